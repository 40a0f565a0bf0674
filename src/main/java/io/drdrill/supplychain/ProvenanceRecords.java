package io.drdrill.supplychain;

import io.drdrill.step.Text;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.drdrill.step.DrDrillError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The records of a provenance file: one JSON document (a record, or an array of records) or JSON lines (one record
 * per line). A record is a bare DSSE envelope or a Sigstore bundle v0.1 to v0.3 carrying one in {@code dsseEnvelope}.
 */
final class ProvenanceRecords {

    static final String BUNDLE_MEDIA_TYPE_PREFIX = "application/vnd.dev.sigstore.bundle";
    private static final Pattern BUNDLE_MEDIA_TYPE = Pattern.compile(
            "application/vnd\\.dev\\.sigstore\\.bundle(?:\\+json;version=(0\\.[123])|\\.v(0\\.3)\\+json)");

    /**
     * One record, unwrapped.
     *
     * @param container "dsse" or "sigstore-bundle v0.3" (…)
     * @param envelope  the DSSE envelope; null when {@link #problem} says why the record holds none
     * @param keyless   a Sigstore bundle whose verification material is a (Fulcio) certificate
     */
    record Record(int index, String container, JsonNode envelope, boolean keyless, String problem) {
    }

    private ProvenanceRecords() {
    }

    static List<Record> read(byte[] bytes, Path file) {
        List<Record> records = new ArrayList<>();
        for (JsonNode node : documents(bytes, file)) {
            records.add(unwrap(records.size(), node));
        }
        return records;
    }

    private static List<JsonNode> documents(byte[] bytes, Path file) {
        List<JsonNode> documents = new ArrayList<>();
        try {
            JsonNode root = JsonFiles.JSON.readTree(bytes);
            if (root == null || root.isMissingNode()) {
                return documents;
            }
            if (root.isArray()) {
                root.forEach(documents::add);
            } else {
                documents.add(root);
            }
            return documents;
        } catch (JsonProcessingException notOneDocument) {
            String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\r?\n");
            for (int n = 0; n < lines.length; n++) {
                if (lines[n].isBlank()) {
                    continue;
                }
                try {
                    documents.add(JsonFiles.JSON.readTree(lines[n]));
                } catch (JsonProcessingException e) {
                    throw new DrDrillError("provenance " + file.getFileName() + " is neither JSON nor JSON lines (line "
                            + (n + 1) + ": " + e.getOriginalMessage() + ")");
                }
            }
            return documents;
        } catch (IOException e) {
            throw new DrDrillError("provenance " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static Record unwrap(int index, JsonNode node) {
        String mediaType = node.path("mediaType").asText("");
        if (!node.has("dsseEnvelope") && !mediaType.startsWith(BUNDLE_MEDIA_TYPE_PREFIX)) {
            return new Record(index, "dsse", node, false, null);
        }
        Matcher known = BUNDLE_MEDIA_TYPE.matcher(mediaType);
        if (!known.matches()) {
            return new Record(index, "sigstore-bundle", null, false, mediaType.isEmpty()
                    ? "has a dsseEnvelope but no Sigstore bundle mediaType"
                    : "unsupported Sigstore bundle mediaType '" + Text.middle(mediaType, 120) + "'");
        }
        String container = "sigstore-bundle v" + (known.group(1) != null ? known.group(1) : known.group(2));
        if (!node.path("dsseEnvelope").isObject()) {
            return new Record(index, container, null, false,
                    container + " holds no dsseEnvelope (a messageSignature bundle signs a file, not a Statement)");
        }
        JsonNode material = node.path("verificationMaterial");
        boolean keyless = material.has("certificate") || material.has("x509CertificateChain");
        return new Record(index, container, node.get("dsseEnvelope"), keyless, null);
    }
}
