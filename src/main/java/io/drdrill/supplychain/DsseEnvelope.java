package io.drdrill.supplychain;

import com.fasterxml.jackson.databind.JsonNode;
import io.drdrill.step.DrDrillError;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A DSSE envelope (<a href="https://github.com/secure-systems-lab/dsse/blob/master/envelope.md">envelope.md</a>):
 * {@code payloadType}, the base64-decoded {@code payload} and its {@code signatures}. Signatures are made over
 * the {@linkplain #pae() pre-authentication encoding}, never over the payload alone.
 */
final class DsseEnvelope {

    /**
     * One entry of {@code signatures}.
     *
     * @param sig     the decoded signature, or null when {@link #problem} says why it could not be decoded
     * @param problem why the entry is unusable, or null
     */
    record Signature(int index, String keyid, byte[] sig, String problem) {
    }

    private final String payloadType;
    private final byte[] payload;
    private final List<Signature> signatures;

    private DsseEnvelope(String payloadType, byte[] payload, List<Signature> signatures) {
        this.payloadType = payloadType;
        this.payload = payload;
        this.signatures = List.copyOf(signatures);
    }

    /** Reads an envelope object; a {@link DrDrillError} says why it is not one. */
    static DsseEnvelope parse(JsonNode envelope) {
        if (envelope == null || !envelope.isObject() || !envelope.path("payload").isTextual()) {
            throw new DrDrillError("not a DSSE envelope (no payload)");
        }
        JsonNode type = envelope.path("payloadType");
        if (!type.isTextual()) {
            throw new DrDrillError("not a DSSE envelope (no payloadType)");
        }
        byte[] payload = decodeBase64(envelope.get("payload").asText());
        if (payload == null) {
            throw new DrDrillError("payload is not valid base64");
        }
        JsonNode list = envelope.get("signatures");
        List<Signature> signatures = new ArrayList<>();
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                throw new DrDrillError("not a DSSE envelope (signatures is not an array)");
            }
            for (int i = 0; i < list.size(); i++) {
                signatures.add(signature(i, list.get(i)));
            }
        }
        return new DsseEnvelope(type.asText(), payload, signatures);
    }

    private static Signature signature(int index, JsonNode entry) {
        String keyid = entry.path("keyid").isTextual() ? entry.get("keyid").asText() : "";
        if (!entry.path("sig").isTextual()) {
            return new Signature(index, keyid, null, "has no sig");
        }
        byte[] sig = decodeBase64(entry.get("sig").asText());
        if (sig == null || sig.length == 0) {
            return new Signature(index, keyid, null, "sig is not valid base64");
        }
        return new Signature(index, keyid, sig, null);
    }

    String payloadType() {
        return payloadType;
    }

    byte[] payload() {
        return payload.clone();
    }

    List<Signature> signatures() {
        return signatures;
    }

    /** {@code "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body}, lengths in decimal bytes. */
    byte[] pae() {
        return pae(payloadType, payload);
    }

    static byte[] pae(String payloadType, byte[] body) {
        byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(type.length + body.length + 32);
        out.writeBytes(("DSSEv1 " + type.length + " ").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(type);
        out.writeBytes((" " + body.length + " ").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(body);
        return out.toByteArray();
    }

    /** Standard or URL-safe base64, padded or not (surrounding blanks ignored); null when it is neither. */
    static byte[] decodeBase64(String text) {
        String compact = text.strip();
        try {
            return Base64.getDecoder().decode(compact);
        } catch (IllegalArgumentException notStandard) {
            try {
                return Base64.getUrlDecoder().decode(compact);
            } catch (IllegalArgumentException notUrlSafe) {
                return null;
            }
        }
    }
}
