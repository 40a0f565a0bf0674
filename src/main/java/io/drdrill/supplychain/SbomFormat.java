package io.drdrill.supplychain;

import com.fasterxml.jackson.databind.JsonNode;
import io.drdrill.step.DrDrillError;

import java.util.ArrayList;
import java.util.List;

/** The SBOM formats the drill understands, recognised from a document's content (never from its file name). */
enum SbomFormat {

    /** CycloneDX JSON: {@code "bomFormat": "CycloneDX"}. */
    CYCLONEDX("CycloneDX", "CycloneDX JSON", "components"),
    /** SPDX 2.x JSON: {@code "spdxVersion": "SPDX-2.x"}. */
    SPDX_2("SPDX", "SPDX 2 JSON", "packages and files"),
    /** SPDX 3 JSON-LD: an {@code @context} of spdx.org/rdf/3.x and an {@code @graph}. */
    SPDX_3("SPDX", "SPDX 3 JSON-LD", "elements");

    static final String SPDX_3_CONTEXT = "spdx.org/rdf/3.";

    private final String family;
    private final String label;
    private final String parts;

    SbomFormat(String family, String label, String parts) {
        this.family = family;
        this.label = label;
        this.parts = parts;
    }

    /** The {@code sbom_format} fact: CycloneDX or SPDX. */
    String family() {
        return family;
    }

    /** What {@link #countParts} counts, for the notes. */
    String parts() {
        return parts;
    }

    static SbomFormat detect(JsonNode root) {
        List<SbomFormat> matches = new ArrayList<>();
        if (root.isObject()) {
            if ("CycloneDX".equals(text(root, "bomFormat"))) {
                matches.add(CYCLONEDX);
            }
            if (text(root, "spdxVersion").startsWith("SPDX-2.")) {
                matches.add(SPDX_2);
            }
            if (root.has("@graph") && mentionsSpdx3(root.get("@context"))) {
                matches.add(SPDX_3);
            }
        }
        if (matches.isEmpty()) {
            throw new DrDrillError("not a recognised SBOM; expected CycloneDX JSON (\"bomFormat\": \"CycloneDX\"),"
                    + " SPDX 2.2/2.3 JSON (\"spdxVersion\": \"SPDX-2.3\") or SPDX 3.0 JSON-LD"
                    + " (\"@context\" of spdx.org/rdf/3.0 and \"@graph\")");
        }
        if (matches.size() > 1) {
            throw new DrDrillError("ambiguous SBOM: it looks like " + matches.get(0).label + " and "
                    + matches.get(1).label + " at once");
        }
        return matches.get(0);
    }

    /** The {@code sbom_spec_version} fact, e.g. 1.5, 2.3 or 3.0.1. */
    String specVersion(JsonNode root) {
        return switch (this) {
            case CYCLONEDX -> text(root, "specVersion");
            case SPDX_2 -> text(root, "spdxVersion").substring("SPDX-".length());
            case SPDX_3 -> Spdx3StructureCheck.specVersion(root);
        };
    }

    /** The {@code sbom_components} fact: components (nested ones too), packages plus files, or SPDX 3 elements. */
    int countParts(JsonNode root) {
        return switch (this) {
            case CYCLONEDX -> countComponents(root.path("components"));
            case SPDX_2 -> root.path("packages").size() + root.path("files").size();
            case SPDX_3 -> Spdx3StructureCheck.elementCount(root);
        };
    }

    /**
     * What {@code sbom.min_components} counts: CycloneDX components (nested ones too), SPDX 2 packages plus
     * files, SPDX 3 software packages, files and snippets (the document and its creation info are no component).
     */
    int listedComponents(JsonNode root) {
        return switch (this) {
            case CYCLONEDX, SPDX_2 -> countParts(root);
            case SPDX_3 -> Spdx3StructureCheck.softwareElementCount(root);
        };
    }

    private static int countComponents(JsonNode components) {
        int count = 0;
        for (JsonNode component : components) {
            count += 1 + countComponents(component.path("components"));
        }
        return count;
    }

    private static boolean mentionsSpdx3(JsonNode context) {
        if (context == null) {
            return false;
        }
        if (context.isTextual()) {
            return context.asText().contains(SPDX_3_CONTEXT);
        }
        if (context.isArray()) {
            for (JsonNode entry : context) {
                if (entry.isTextual() && entry.asText().contains(SPDX_3_CONTEXT)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The field's text when it is a JSON string, else empty. */
    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.asText() : "";
    }
}
