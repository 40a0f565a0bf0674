package io.drdrill.supplychain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drdrill.step.DrDrillError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Signing and checking DSSE envelopes of our own (the drill attestation) with the same rules the provenance
 * check applies to others': the signature covers the PAE, ECDSA signatures are DER (as {@code openssl dgst
 * -sign} makes them), keys are read by the same code. A signing key is a PKCS#8 {@code PRIVATE KEY} PEM
 * ({@code openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256} or {@code -algorithm ed25519}).
 */
public final class DsseSigning {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PRIVATE_PEM = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----\\s*([A-Za-z0-9+/=\\s]+?)-----END PRIVATE KEY-----");

    private DsseSigning() {
    }

    /**
     * A loaded signing key and its signature algorithm. The envelope's {@code keyid} stays empty: it is only a
     * hint (verifiers try their trusted keys), and the public key cannot be derived from an Ed25519 PKCS#8 key.
     */
    public record SigningKey(PrivateKey key, String algorithm) {
    }

    /** The DSSE pre-authentication encoding: what a signature covers. */
    public static byte[] pae(String payloadType, byte[] payload) {
        return DsseEnvelope.pae(payloadType, payload);
    }

    /** Reads an ECDSA P-256 or Ed25519 PKCS#8 private key; a {@link DrDrillError} says why it cannot be used. */
    public static SigningKey load(Path pem) {
        String text;
        try {
            if (Files.size(pem) > TrustedKeys.MAX_KEY_FILE_BYTES) {
                throw new DrDrillError("signing key " + pem + " is larger than a key file can be");
            }
            text = Files.readString(pem, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new DrDrillError("cannot read the signing key " + pem + ": " + e.getMessage());
        }
        Matcher m = PRIVATE_PEM.matcher(text);
        if (!m.find()) {
            throw new DrDrillError("signing key " + pem + " holds no PKCS#8 'PRIVATE KEY' block (make one with "
                    + "openssl genpkey -algorithm ed25519, or -algorithm EC -pkeyopt ec_paramgen_curve:P-256)");
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(1));
        for (String algorithm : List.of("EC", "Ed25519")) {
            try {
                PrivateKey key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                if (key instanceof ECPrivateKey ec && ec.getParams().getCurve().getField().getFieldSize() != 256) {
                    throw new DrDrillError("signing key " + pem + " is an EC key on another curve than P-256");
                }
                String signing = key instanceof ECPrivateKey ? "SHA256withECDSA" : "Ed25519";
                return new SigningKey(key, signing);
            } catch (GeneralSecurityException notThisAlgorithm) {
                // try the next
            }
        }
        throw new DrDrillError("signing key " + pem + " is neither an ECDSA P-256 nor an Ed25519 key");
    }

    /** A DSSE envelope over {@code payload}, signed by {@code key}. */
    public static Map<String, Object> sign(String payloadType, byte[] payload, SigningKey key) {
        try {
            Signature signer = Signature.getInstance(key.algorithm());
            signer.initSign(key.key());
            signer.update(pae(payloadType, payload));
            Map<String, Object> signature = new LinkedHashMap<>();
            signature.put("keyid", "");
            signature.put("sig", Base64.getEncoder().encodeToString(signer.sign()));
            Map<String, Object> envelope = new LinkedHashMap<>();
            envelope.put("payloadType", payloadType);
            envelope.put("payload", Base64.getEncoder().encodeToString(payload));
            envelope.put("signatures", List.of(signature));
            return envelope;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with " + key.algorithm() + ": " + e.getMessage(), e);
        }
    }

    /** What {@link #verify} found: the payload and the fingerprint of the key a signature verified under. */
    public record Verified(String payloadType, byte[] payload, String keyFingerprint) {
    }

    /**
     * Checks that one signature of the envelope verifies under one of the public keys in {@code publicKeyPem}
     * (over the PAE); a {@link DrDrillError} says why not.
     */
    public static Verified verify(JsonNode envelopeJson, Path publicKeyPem) {
        DsseEnvelope envelope = DsseEnvelope.parse(envelopeJson);
        List<TrustedKeys.TrustedKey> keys = TrustedKeys.load(publicKeyPem);
        List<EnvelopeSignatures.Result> results = EnvelopeSignatures.check(envelope, keys);
        return results.stream().filter(EnvelopeSignatures.Result::verified).findFirst()
                .map(r -> new Verified(envelope.payloadType(), envelope.payload(), r.key().fingerprint()))
                .orElseThrow(() -> new DrDrillError(results.isEmpty() ? "the envelope carries no signature"
                        : results.stream().map(r -> r.describe() + ": " + r.reason())
                        .reduce((a, b) -> a + "; " + b).orElse("")));
    }

    /** Parses JSON text (for callers without their own mapper). */
    public static JsonNode json(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new DrDrillError("not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }
}
