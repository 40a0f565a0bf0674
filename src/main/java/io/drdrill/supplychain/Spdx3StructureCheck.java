package io.drdrill.supplychain;

import com.fasterxml.jackson.databind.JsonNode;
import io.drdrill.step.DrDrillError;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.drdrill.supplychain.SbomFormat.text;

/**
 * A structural check of an SPDX 3.0 JSON-LD document (no JSON schema): an {@code @graph} array whose items all
 * have a {@code type}; {@code CreationInfo} blank nodes with {@code @id} and {@code specVersion}; every other item
 * an element with a unique {@code spdxId} and a {@code creationInfo}; {@code verifiedUsing} hashes with an
 * algorithm and a value; and at least one software element (package, file, snippet, SBOM) or AI/data set package.
 */
final class Spdx3StructureCheck {

    static final String CHECK = "structural check of SPDX 3.0 JSON-LD (no JSON schema)";
    private static final Pattern CONTEXT_VERSION = Pattern.compile("spdx\\.org/rdf/(3(?:\\.[0-9]+)*)");

    SchemaReport validate(JsonNode root) {
        String version = specVersion(root);
        if (!version.equals("3.0") && !version.startsWith("3.0.")) {
            throw new DrDrillError("unsupported SPDX version " + version
                    + " (supported: SPDX-2.2 and SPDX-2.3 JSON, SPDX 3.0 JSON-LD)");
        }
        List<String> errors = new ArrayList<>();
        JsonNode graph = root.get("@graph");
        if (graph == null || !graph.isArray() || graph.isEmpty()) {
            errors.add("@graph: must be a non-empty array of elements");
            return SchemaReport.structural(CHECK, errors);
        }
        Set<String> ids = new HashSet<>();
        boolean software = false;
        for (int i = 0; i < graph.size(); i++) {
            String at = "@graph[" + i + "]";
            JsonNode item = graph.get(i);
            String type = item.isObject() ? text(item, "type") : "";
            if (type.isEmpty()) {
                errors.add(at + ": must be an object with a string \"type\"");
            } else if (type.equals("CreationInfo")) {
                requireText(item, at, "@id", errors);
                requireText(item, at, "specVersion", errors);
                requireText(item, at, "created", errors);
            } else {
                checkElement(item, at, ids, errors);
                software |= isSoftware(type);
            }
        }
        if (!software) {
            errors.add("@graph: has no software_Package, software_File, software_Snippet, software_Sbom,"
                    + " ai_AIPackage or dataset_DatasetPackage element");
        }
        return SchemaReport.structural(CHECK, errors);
    }

    private static void checkElement(JsonNode item, String at, Set<String> ids, List<String> errors) {
        String spdxId = text(item, "spdxId");
        if (spdxId.isEmpty()) {
            errors.add(at + ": element has no string \"spdxId\"");
        } else if (!ids.add(spdxId)) {
            errors.add(at + ": spdxId " + spdxId + " is used twice");
        }
        JsonNode creationInfo = item.get("creationInfo");
        if (creationInfo == null || !(creationInfo.isTextual() || creationInfo.isObject())) {
            errors.add(at + ": element has no \"creationInfo\"");
        }
        JsonNode verifiedUsing = item.get("verifiedUsing");
        if (verifiedUsing == null) {
            return;
        }
        if (!verifiedUsing.isArray()) {
            errors.add(at + ".verifiedUsing: must be an array");
            return;
        }
        for (int j = 0; j < verifiedUsing.size(); j++) {
            JsonNode check = verifiedUsing.get(j);
            String checkAt = at + ".verifiedUsing[" + j + "]";
            if (text(check, "type").isEmpty()) {
                errors.add(checkAt + ": must be an object with a string \"type\"");
            } else if (text(check, "type").equals("Hash")) {
                requireText(check, checkAt, "algorithm", errors);
                requireText(check, checkAt, "hashValue", errors);
            }
        }
    }

    private static boolean isSoftware(String type) {
        return type.startsWith("software_") || type.equals("ai_AIPackage") || type.equals("dataset_DatasetPackage");
    }

    private static void requireText(JsonNode node, String at, String field, List<String> errors) {
        if (text(node, field).isEmpty()) {
            errors.add(at + ": has no string \"" + field + "\"");
        }
    }

    /** The specVersion of the document's CreationInfo, else the version in its {@code @context}. */
    static String specVersion(JsonNode root) {
        for (JsonNode item : root.path("@graph")) {
            if (item.isObject() && "CreationInfo".equals(text(item, "type")) && !text(item, "specVersion").isEmpty()) {
                return text(item, "specVersion");
            }
        }
        Matcher matcher = CONTEXT_VERSION.matcher(String.valueOf(root.get("@context")));
        return matcher.find() ? matcher.group(1) : "3";
    }

    /** Items of the graph that are elements (have an spdxId). */
    static int softwareElementCount(JsonNode root) {
        int count = 0;
        for (JsonNode item : root.path("@graph")) {
            String type = text(item, "type");
            if (type.equals("software_Package") || type.equals("software_File") || type.equals("software_Snippet")) {
                count++;
            }
        }
        return count;
    }

    static int elementCount(JsonNode root) {
        int count = 0;
        for (JsonNode item : root.path("@graph")) {
            if (!text(item, "spdxId").isEmpty()) {
                count++;
            }
        }
        return count;
    }
}
