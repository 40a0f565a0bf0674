package io.drdrill.supplychain;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.drdrill.step.DrDrillError;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validates an SPDX 2.2 or 2.3 JSON document against the official SPDX JSON schema of its {@code spdxVersion}
 * (see {@code schemas/spdx/README.md} for where they come from). The schemas' {@code $id}s are mapped to classpath
 * resources and remote fetching is off: validation never touches the network.
 */
final class SpdxValidator {

    private static final String RESOURCES = "classpath:schemas/spdx/";
    /** spdxVersion to the {@code $id} of its schema. */
    private static final Map<String, String> SCHEMA_IDS = Map.of(
            "SPDX-2.2", "http://spdx.org/rdf/terms",
            "SPDX-2.3", "http://spdx.org/rdf/terms/2.3");
    private static final Map<String, String> ID_TO_RESOURCE = Map.of(
            "http://spdx.org/rdf/terms", RESOURCES + "spdx-schema-2.2.json",
            "http://spdx.org/rdf/terms/2.3", RESOURCES + "spdx-schema-2.3.json");

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7,
            registry -> registry.schemaLoader(loader -> loader
                    .fetchRemoteResources(false)
                    .schemaIdResolvers(ids -> ids.mappings(ID_TO_RESOURCE))));
    private static final Map<String, Schema> SCHEMAS = new ConcurrentHashMap<>();

    SchemaReport validate(JsonNode root) {
        String spdxVersion = SbomFormat.text(root, "spdxVersion");
        String id = SCHEMA_IDS.get(spdxVersion);
        if (id == null) {
            throw new DrDrillError("unsupported SPDX version " + spdxVersion
                    + " (supported: SPDX-2.2 and SPDX-2.3 JSON, SPDX 3.0 JSON-LD)");
        }
        Schema schema = SCHEMAS.computeIfAbsent(id, key -> REGISTRY.getSchema(SchemaLocation.of(key)));
        return SchemaReport.schema(spdxVersion.replace('-', ' ') + " JSON schema",
                SchemaErrors.describe(schema.validate(root)));
    }
}
