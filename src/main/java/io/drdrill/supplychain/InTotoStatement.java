package io.drdrill.supplychain;

import io.drdrill.step.Text;
import com.fasterxml.jackson.databind.JsonNode;
import io.drdrill.step.DrDrillError;

import java.io.IOException;
import java.util.Set;

/** An in-toto Statement (v0.1 or v1) read from a DSSE payload: its type, subjects and predicate. */
record InTotoStatement(String type, String predicateType, JsonNode subjects, JsonNode predicate) {

    static final String PAYLOAD_TYPE = "application/vnd.in-toto+json";
    static final Set<String> TYPES = Set.of("https://in-toto.io/Statement/v0.1", "https://in-toto.io/Statement/v1");

    /** The Statement an envelope carries; a {@link DrDrillError} says why it is not one. */
    static InTotoStatement of(DsseEnvelope envelope) {
        if (!PAYLOAD_TYPE.equals(envelope.payloadType())) {
            throw new DrDrillError("payloadType is '" + Text.middle(envelope.payloadType(), 120) + "', expected "
                    + PAYLOAD_TYPE);
        }
        JsonNode statement;
        try {
            statement = JsonFiles.JSON.readTree(envelope.payload());
        } catch (IOException e) {
            throw new DrDrillError("payload is not JSON");
        }
        if (statement == null || !statement.isObject()) {
            throw new DrDrillError("payload is not JSON");
        }
        String type = statement.path("_type").asText("");
        if (!TYPES.contains(type)) {
            throw new DrDrillError("payload is not an in-toto Statement (_type '" + Text.middle(type, 120) + "')");
        }
        if (!statement.path("subject").isArray()) {
            throw new DrDrillError("Statement has no subject array");
        }
        if (!statement.path("predicateType").isTextual() || statement.get("predicateType").asText().isBlank()) {
            throw new DrDrillError("Statement has no predicateType");
        }
        return new InTotoStatement(type, statement.get("predicateType").asText(), statement.get("subject"),
                statement.path("predicate"));
    }

    /** Whether a subject's {@code digest.sha256} is exactly {@code sha256} (hex, any case). */
    boolean namesDigest(String sha256) {
        for (JsonNode subject : subjects) {
            if (sha256.equalsIgnoreCase(subject.path("digest").path("sha256").asText(""))) {
                return true;
            }
        }
        return false;
    }
}
