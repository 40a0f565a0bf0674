package io.drdrill.supplychain;

import com.fasterxml.jackson.databind.JsonNode;
import io.drdrill.step.DrDrillError;
import io.drdrill.step.StepResult;
import io.drdrill.manifest.Manifest;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code validate_sbom}: the SBOM is a CycloneDX 1.2–1.6 document valid against the schema of its own specVersion,
 * an SPDX 2.2/2.3 JSON document valid against the official SPDX schema, or an SPDX 3.0 JSON-LD document that
 * passes a structural check; and (unless {@code sbom.require_digest_match} is false) it names the backup's
 * SHA-256, so that it describes this backup and not another artifact.
 */
public final class SbomCheck {

    /**
     * An SBOM is read and validated whole: 16 MiB bounds the heap it takes. The largest real-world SBOM in the tests
     * (juice-shop, CycloneDX 1.4) is 1.9 MB.
     */
    static final long MAX_SBOM_BYTES = 16L << 20;
    static final String NOT_REQUIRED = "not required";

    private final CycloneDxValidator cycloneDx = new CycloneDxValidator();
    private final SpdxValidator spdx = new SpdxValidator();
    private final Spdx3StructureCheck spdx3 = new Spdx3StructureCheck();

    /** @param backupSha256 the backup's SHA-256, lower-case hex without prefix */
    public StepResult verify(Manifest.Sbom settings, String backupSha256) {
        Path file = settings.path();
        JsonNode root = JsonFiles.parse(JsonFiles.read(file, "SBOM", MAX_SBOM_BYTES), file, "SBOM");
        try {
            return check(root, settings, backupSha256);
        } catch (DrDrillError e) {
            throw new DrDrillError("SBOM " + file.getFileName() + ": " + e.getMessage(), e.facts());
        }
    }

    private StepResult check(JsonNode root, Manifest.Sbom settings, String backupSha256) {
        boolean requireDigestMatch = settings.requireDigestMatch();
        SbomFormat format = SbomFormat.detect(root);
        SchemaReport report = switch (format) {
            case CYCLONEDX -> cycloneDx.validate(root);
            case SPDX_2 -> spdx.validate(root);
            case SPDX_3 -> spdx3.validate(root);
        };
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("sbom_format", format.family());
        facts.put("sbom_spec_version", format.specVersion(root));
        if (!report.passed()) {
            throw new DrDrillError((report.structuralOnly() ? "fails the " : "not valid against the ")
                    + report.checkedAgainst() + " (" + count(report.errors().size(), "error") + "): " + report.summary(),
                    facts);
        }
        facts.put("sbom_components", format.countParts(root));
        int listed = format.listedComponents(root);
        if (listed < settings.minComponents()) {
            throw new DrDrillError(listed == 0
                    ? "the SBOM lists no components: it attests nothing about the backup's contents "
                    + "(sbom.min_components: 0 accepts that)"
                    : "the SBOM lists " + count(listed, "component") + ", fewer than sbom.min_components "
                    + settings.minComponents(), facts);
        }
        facts.put("sbom_schema", report.description());
        facts.put("sbom_digest_match", requireDigestMatch ? bind(format, root, backupSha256, facts) : NOT_REQUIRED);
        return new StepResult(notes(format, facts), facts);
    }

    private static String bind(SbomFormat format, JsonNode root, String sha256, Map<String, Object> facts) {
        if (sha256 == null || sha256.isBlank()) {
            throw new DrDrillError("no backup SHA-256 was given to bind it to", facts);
        }
        return SbomDigestBinding.locate(format, root, sha256).orElseThrow(() -> new DrDrillError(
                "does not describe the backup: it has no SHA-256 equal to the backup digest " + sha256 + " in the "
                        + SbomDigestBinding.searched(format), facts));
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static String notes(SbomFormat format, Map<String, Object> facts) {
        String binding = NOT_REQUIRED.equals(facts.get("sbom_digest_match"))
                ? "binding to the backup digest not required"
                : "backup SHA-256 in " + facts.get("sbom_digest_match");
        return facts.get("sbom_format") + " " + facts.get("sbom_spec_version") + ", " + facts.get("sbom_components")
                + " " + format.parts() + ", " + facts.get("sbom_schema") + ", " + binding;
    }
}
