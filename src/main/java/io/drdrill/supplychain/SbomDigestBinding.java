package io.drdrill.supplychain;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Optional;

import static io.drdrill.supplychain.SbomFormat.text;

/**
 * Finds where an SBOM names a SHA-256 digest, so that the SBOM is known to describe the backup and not some other
 * artifact. Digests are compared case-insensitively.
 */
final class SbomDigestBinding {

    private SbomDigestBinding() {
    }

    /** Where the digest was found, e.g. {@code metadata.component.hashes} or {@code files[2].checksums}. */
    static Optional<String> locate(SbomFormat format, JsonNode root, String sha256) {
        return switch (format) {
            case CYCLONEDX -> inComponent(root.path("metadata").path("component"), "metadata.component", sha256)
                    .or(() -> inComponents(root.path("components"), "components", sha256));
            case SPDX_2 -> inSpdx2(root.path("packages"), "packages", sha256)
                    .or(() -> inSpdx2(root.path("files"), "files", sha256));
            case SPDX_3 -> inSpdx3(root.path("@graph"), sha256);
        };
    }

    /** Where {@link #locate} looks, for the failure message. */
    static String searched(SbomFormat format) {
        return switch (format) {
            case CYCLONEDX -> "hashes (alg SHA-256) of metadata.component or of any component, nested ones included";
            case SPDX_2 -> "checksums (algorithm SHA256) of packages and files";
            case SPDX_3 -> "verifiedUsing hashes (algorithm sha256) of @graph elements";
        };
    }

    private static Optional<String> inComponent(JsonNode component, String at, String sha256) {
        if (!component.isObject()) {
            return Optional.empty();
        }
        if (contains(component.path("hashes"), "alg", "SHA-256", "content", sha256)) {
            return Optional.of(at + ".hashes");
        }
        return inComponents(component.path("components"), at + ".components", sha256);
    }

    private static Optional<String> inComponents(JsonNode components, String at, String sha256) {
        if (!components.isArray()) {
            return Optional.empty();
        }
        for (int i = 0; i < components.size(); i++) {
            Optional<String> found = inComponent(components.get(i), at + "[" + i + "]", sha256);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> inSpdx2(JsonNode items, String at, String sha256) {
        if (!items.isArray()) {
            return Optional.empty();
        }
        for (int i = 0; i < items.size(); i++) {
            if (contains(items.get(i).path("checksums"), "algorithm", "SHA256", "checksumValue", sha256)) {
                return Optional.of(at + "[" + i + "].checksums");
            }
        }
        return Optional.empty();
    }

    private static Optional<String> inSpdx3(JsonNode graph, String sha256) {
        if (!graph.isArray()) {
            return Optional.empty();
        }
        for (int i = 0; i < graph.size(); i++) {
            JsonNode hashes = graph.get(i).path("verifiedUsing");
            for (JsonNode hash : hashes) {
                if ("Hash".equals(text(hash, "type")) && matches(hash, "algorithm", "sha256", "hashValue", sha256)) {
                    return Optional.of("@graph[" + i + "].verifiedUsing");
                }
            }
        }
        return Optional.empty();
    }

    private static boolean contains(JsonNode hashes, String algField, String alg, String valueField, String sha256) {
        if (!hashes.isArray()) {
            return false;
        }
        for (JsonNode hash : hashes) {
            if (matches(hash, algField, alg, valueField, sha256)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(JsonNode hash, String algField, String alg, String valueField, String sha256) {
        return text(hash, algField).equalsIgnoreCase(alg) && text(hash, valueField).equalsIgnoreCase(sha256);
    }
}
