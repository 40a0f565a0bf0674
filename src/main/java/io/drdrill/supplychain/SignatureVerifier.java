package io.drdrill.supplychain;

import io.drdrill.supplychain.TrustedKeys.TrustedKey;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks one signature over a message with one public key, trying the encodings signers use for that key type:
 * <ul>
 *   <li>ECDSA: SHA-256 (P-256), SHA-384 (P-384) or SHA-512 (P-521); ASN.1 DER or raw {@code r||s}</li>
 *   <li>Ed25519 (pure, over the message itself)</li>
 *   <li>RSA with SHA-256: PKCS#1 v1.5, or PSS with MGF1-SHA-256 and a salt of 32 bytes (the digest length) or the
 *       maximum length (OpenSSL's default when signing)</li>
 * </ul>
 * The caller decides what the message is (for DSSE: the PAE, never the raw payload).
 */
final class SignatureVerifier {

    private record Scheme(String name, String algorithm, AlgorithmParameterSpec params) {
    }

    private SignatureVerifier() {
    }

    /** The name of the scheme under which {@code signature} verifies, or empty. */
    static Optional<String> verify(TrustedKey key, byte[] message, byte[] signature) {
        for (Scheme scheme : schemes(key.key(), signature.length)) {
            try {
                Signature verifier = Signature.getInstance(scheme.algorithm());
                if (scheme.params() != null) {
                    verifier.setParameter(scheme.params());
                }
                verifier.initVerify(key.key());
                verifier.update(message);
                if (verifier.verify(signature)) {
                    return Optional.of(scheme.name());
                }
            } catch (GeneralSecurityException | IllegalArgumentException notThisScheme) {
                // malformed for this scheme: try the next one
            }
        }
        return Optional.empty();
    }

    private static List<Scheme> schemes(PublicKey key, int signatureLength) {
        List<Scheme> schemes = new ArrayList<>();
        if (key instanceof ECPublicKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            String hash = bits <= 256 ? "SHA256" : bits <= 384 ? "SHA384" : "SHA512";
            String name = "ECDSA P-" + bits + " " + hash.replace("SHA", "SHA-");
            schemes.add(new Scheme(name, hash + "withECDSA", null));
            if (signatureLength == 2 * ((bits + 7) / 8)) {
                schemes.add(new Scheme(name + " (r||s)", hash + "withECDSAinP1363Format", null));
            }
        } else if ("Ed25519".equals(key.getAlgorithm()) || "EdDSA".equals(key.getAlgorithm())) {
            schemes.add(new Scheme("Ed25519", "Ed25519", null));
        } else if (key instanceof RSAPublicKey rsa) {
            int bits = rsa.getModulus().bitLength();
            if (signatureLength != (bits + 7) / 8) {
                return schemes;
            }
            schemes.add(new Scheme("RSA PKCS#1 v1.5 SHA-256", "SHA256withRSA", null));
            int maxSalt = (bits - 1 + 7) / 8 - 32 - 2;
            for (int salt : maxSalt == 32 ? List.of(32) : List.of(32, maxSalt)) {
                schemes.add(new Scheme("RSA-PSS SHA-256 salt " + salt, "RSASSA-PSS",
                        new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, salt, 1)));
            }
        }
        return schemes;
    }
}
