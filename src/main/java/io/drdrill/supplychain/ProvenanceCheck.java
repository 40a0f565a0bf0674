package io.drdrill.supplychain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.drdrill.drill.DrDrillError;
import io.drdrill.drill.StepOutcome;
import io.drdrill.manifest.Manifest;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code validate_provenance}: the file holds DSSE envelopes (one, a JSON array, or JSON lines; a Sigstore
 * bundle's {@code dsseEnvelope} counts as one) whose payloads are in-toto Statements, and one Statement
 * names the backup's SHA-256 as a subject.
 */
public final class ProvenanceCheck {

    static final long MAX_PROVENANCE_BYTES = 64L << 20;
    static final String IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";
    static final Set<String> STATEMENT_TYPES = Set.of(
            "https://in-toto.io/Statement/v0.1", "https://in-toto.io/Statement/v1");

    public StepOutcome verify(Manifest.Provenance settings, String backupSha256) {
        return verify(settings.path(), backupSha256);
    }

    public StepOutcome verify(Path provenance, String backupSha256) {
        byte[] bytes = JsonFiles.read(provenance, "provenance", MAX_PROVENANCE_BYTES);
        List<JsonNode> records = records(bytes, provenance);
        if (records.isEmpty()) {
            throw new DrDrillError("provenance " + provenance.getFileName() + " holds no DSSE envelope");
        }
        List<String> rejected = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            try {
                JsonNode statement = statement(records.get(i));
                if (namesDigest(statement, backupSha256)) {
                    return matched(records.size(), i, statement);
                }
                rejected.add("record " + i + ": no subject with sha256:" + backupSha256);
            } catch (DrDrillError e) {
                rejected.add("record " + i + ": " + e.getMessage());
            }
        }
        throw new DrDrillError("no provenance envelope matched digest sha256:" + backupSha256 + " ("
                + records.size() + " record(s) read; " + String.join("; ", rejected.subList(0, Math.min(5, rejected.size())))
                + (rejected.size() > 5 ? "; ..." : "") + ")");
    }

    private static StepOutcome matched(int count, int index, JsonNode statement) {
        String predicateType = statement.path("predicateType").asText("");
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("provenance_records", count);
        facts.put("provenance_matched_record", index);
        facts.put("provenance_predicate_type", predicateType);
        return new StepOutcome(count + " record(s) read; record " + index + " names the backup digest"
                + (predicateType.isEmpty() ? "" : " (" + predicateType + ")"), facts);
    }

    /** One envelope, a JSON array of envelopes, or one envelope per line. */
    static List<JsonNode> records(byte[] bytes, Path file) {
        List<JsonNode> records = new ArrayList<>();
        try {
            JsonNode root = JsonFiles.JSON.readTree(bytes);
            if (root == null || root.isMissingNode()) {
                return records;
            }
            if (root.isArray()) {
                root.forEach(records::add);
            } else {
                records.add(root);
            }
            return records;
        } catch (JsonProcessingException notOneDocument) {
            String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\r?\n");
            for (int n = 0; n < lines.length; n++) {
                if (lines[n].isBlank()) {
                    continue;
                }
                try {
                    records.add(JsonFiles.JSON.readTree(lines[n]));
                } catch (JsonProcessingException e) {
                    throw new DrDrillError("provenance " + file.getFileName() + " is neither JSON nor JSON lines (line "
                            + (n + 1) + ": " + e.getOriginalMessage() + ")");
                }
            }
            return records;
        } catch (java.io.IOException e) {
            throw new DrDrillError("provenance " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** The in-toto Statement carried by a DSSE envelope or a Sigstore bundle. */
    static JsonNode statement(JsonNode record) {
        JsonNode envelope = record.has("dsseEnvelope") ? record.get("dsseEnvelope") : record;
        if (!envelope.isObject() || !envelope.path("payload").isTextual()) {
            throw new DrDrillError("not a DSSE envelope (no payload)");
        }
        String payloadType = envelope.path("payloadType").asText("");
        if (!IN_TOTO_PAYLOAD_TYPE.equals(payloadType)) {
            throw new DrDrillError("payloadType is '" + payloadType + "', expected " + IN_TOTO_PAYLOAD_TYPE);
        }
        JsonNode statement;
        try {
            statement = JsonFiles.JSON.readTree(decodeBase64(envelope.get("payload").asText()));
        } catch (java.io.IOException e) {
            throw new DrDrillError("payload is not JSON");
        }
        String type = statement.path("_type").asText("");
        if (!STATEMENT_TYPES.contains(type)) {
            throw new DrDrillError("payload is not an in-toto Statement (_type '" + type + "')");
        }
        if (!statement.path("subject").isArray()) {
            throw new DrDrillError("Statement has no subject array");
        }
        return statement;
    }

    static boolean namesDigest(JsonNode statement, String sha256) {
        for (JsonNode subject : statement.get("subject")) {
            if (sha256.equalsIgnoreCase(subject.path("digest").path("sha256").asText(""))) {
                return true;
            }
        }
        return false;
    }

    /** Standard or URL-safe base64, padded or not. */
    static byte[] decodeBase64(String text) {
        String compact = text.strip();
        try {
            return Base64.getDecoder().decode(compact);
        } catch (IllegalArgumentException notStandard) {
            try {
                return Base64.getUrlDecoder().decode(compact);
            } catch (IllegalArgumentException notUrlSafe) {
                throw new DrDrillError("payload is not valid base64");
            }
        }
    }
}
