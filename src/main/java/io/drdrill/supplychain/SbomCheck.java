package io.drdrill.supplychain;

import com.fasterxml.jackson.databind.JsonNode;
import io.drdrill.drill.DrDrillError;
import io.drdrill.drill.StepOutcome;
import io.drdrill.manifest.Manifest;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code validate_sbom}: the SBOM is a CycloneDX JSON document with a non-empty {@code components} array. */
public final class SbomCheck {

    static final long MAX_SBOM_BYTES = 256L << 20;

    public StepOutcome verify(Manifest.Sbom settings, String backupSha256) {
        return verify(settings.path());
    }

    public StepOutcome verify(Path sbom) {
        JsonNode root = JsonFiles.parse(JsonFiles.read(sbom, "SBOM", MAX_SBOM_BYTES), sbom, "SBOM");
        if (!root.isObject() || !"CycloneDX".equals(root.path("bomFormat").asText())) {
            throw new DrDrillError("SBOM " + sbom.getFileName() + " is not a CycloneDX document (bomFormat is not 'CycloneDX')");
        }
        String specVersion = root.path("specVersion").asText("");
        if (specVersion.isEmpty()) {
            throw new DrDrillError("SBOM " + sbom.getFileName() + " has no specVersion");
        }
        JsonNode components = root.path("components");
        if (!components.isArray() || components.isEmpty()) {
            throw new DrDrillError("SBOM " + sbom.getFileName() + " has no components");
        }
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("sbom_format", "CycloneDX");
        facts.put("sbom_spec_version", specVersion);
        facts.put("sbom_components", components.size());
        return new StepOutcome("CycloneDX " + specVersion + ", " + components.size() + " components", facts);
    }
}
