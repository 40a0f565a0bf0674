package io.drdrill.supplychain;

import io.drdrill.step.Text;
import io.drdrill.supplychain.TrustedKeys.TrustedKey;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Checks every signature of a DSSE envelope against the trusted keys, over the envelope's PAE. Each signature may
 * be made by any trusted key: the {@code keyid} is only a hint and is reported, never relied upon.
 */
final class EnvelopeSignatures {

    /** Signatures after this many are reported as not checked (bounds the work a hostile file can cause). */
    static final int MAX_CHECKED = 16;
    static final String NOT_VERIFIED = "does not verify under any trusted key";
    static final String RAW_PAYLOAD = "signs the raw payload, not the DSSE PAE (not accepted)";

    /**
     * The verdict on one signature.
     *
     * @param key    the trusted key it verifies under, or null
     * @param scheme how it verified (e.g. "ECDSA P-256 SHA-256"), or null
     * @param reason why it was not accepted, or null when verified
     */
    record Result(int index, String keyid, boolean verified, TrustedKey key, String scheme, String reason) {

        String describe() {
            return "signature " + index + (keyid.isEmpty() ? "" : " (keyid " + Text.middle(keyid, 120) + ")");
        }
    }

    private EnvelopeSignatures() {
    }

    static List<Result> check(DsseEnvelope envelope, List<TrustedKey> keys) {
        byte[] pae = envelope.pae();
        List<Result> results = new ArrayList<>();
        for (DsseEnvelope.Signature signature : envelope.signatures()) {
            results.add(check(signature, keys, pae, envelope));
        }
        return results;
    }

    private static Result check(DsseEnvelope.Signature signature, List<TrustedKey> keys, byte[] pae,
                                DsseEnvelope envelope) {
        if (keys.isEmpty()) {
            return rejected(signature, "not checked (no trusted keys)");
        }
        if (signature.index() >= MAX_CHECKED) {
            return rejected(signature, "not checked (only the first " + MAX_CHECKED + " signatures are checked)");
        }
        if (signature.problem() != null) {
            return rejected(signature, signature.problem());
        }
        for (TrustedKey key : keys) {
            Optional<String> scheme = SignatureVerifier.verify(key, pae, signature.sig());
            if (scheme.isPresent()) {
                return new Result(signature.index(), signature.keyid(), true, key, scheme.get(), null);
            }
        }
        byte[] payload = envelope.payload();
        for (TrustedKey key : keys) {
            if (SignatureVerifier.verify(key, payload, signature.sig()).isPresent()) {
                return rejected(signature, RAW_PAYLOAD);
            }
        }
        return rejected(signature, NOT_VERIFIED);
    }

    /** "SHA256:…, SHA256:…" (at most 3), for messages. */
    static String fingerprints(List<TrustedKey> keys) {
        return keys.stream().limit(3).map(TrustedKey::fingerprint).collect(Collectors.joining(", "))
                + (keys.size() > 3 ? ", …" : "");
    }

    private static Result rejected(DsseEnvelope.Signature signature, String reason) {
        return new Result(signature.index(), signature.keyid(), false, null, null, reason);
    }

    /** The report's entry for one signature; long texts are shortened so the step's facts stay small. */
    static Map<String, Object> fact(Result result) {
        Map<String, Object> fact = new LinkedHashMap<>();
        fact.put("index", result.index());
        fact.put("keyid", Text.middle(result.keyid(), 56));
        fact.put("verified", result.verified());
        if (result.verified()) {
            fact.put("key_fingerprint", result.key().fingerprint());
            fact.put("algorithm", result.scheme());
        } else {
            fact.put("reason", Text.middle(result.reason(), 80));
        }
        return fact;
    }
}
