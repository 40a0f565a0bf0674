package io.drdrill.supplychain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import io.drdrill.step.DrDrillError;
import org.cyclonedx.Version;
import org.cyclonedx.parsers.JsonParser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validates a CycloneDX JSON document against the schema of its own {@code specVersion} (1.2 to 1.6), as shipped
 * in cyclonedx-core-java and loaded from its jar (the schema {@link JsonParser#validate(JsonNode, Version)} uses).
 * The schema is taken through {@code getJsonSchema} and cached per version, so that errors keep their location in
 * the document. CycloneDX 1.7 and unknown versions are refused: the library has no schema for them.
 */
final class CycloneDxValidator {

    private static final Map<String, Version> VERSIONS = Map.of(
            "1.2", Version.VERSION_12,
            "1.3", Version.VERSION_13,
            "1.4", Version.VERSION_14,
            "1.5", Version.VERSION_15,
            "1.6", Version.VERSION_16);
    private static final String SUPPORTED = "1.2, 1.3, 1.4, 1.5, 1.6";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Map<Version, Schema> SCHEMAS = new ConcurrentHashMap<>();

    SchemaReport validate(JsonNode root) {
        JsonNode specVersion = root.get("specVersion");
        if (specVersion == null || specVersion.isNull()) {
            throw new DrDrillError("no specVersion in the CycloneDX document");
        }
        if (!specVersion.isTextual()) {
            throw new DrDrillError("specVersion " + specVersion + " is not a string");
        }
        String text = specVersion.asText();
        Version version = VERSIONS.get(text);
        if (version == null) {
            throw new DrDrillError("unsupported CycloneDX version " + text + " (supported: " + SUPPORTED
                    + "; cyclonedx-core-java has no schema for it)");
        }
        List<Error> errors = schema(version).validate(root);
        return SchemaReport.schema("CycloneDX " + text + " schema", SchemaErrors.describe(errors));
    }

    private static Schema schema(Version version) {
        return SCHEMAS.computeIfAbsent(version, v -> {
            try {
                return new JsonParser().getJsonSchema(v, MAPPER);
            } catch (IOException e) {
                throw new UncheckedIOException("CycloneDX " + v.getVersionString() + " schema cannot be loaded", e);
            }
        });
    }
}
