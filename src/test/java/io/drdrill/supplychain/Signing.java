package io.drdrill.supplychain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drdrill.step.StepResult;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static io.drdrill.testsupport.TestBundle.JSON;

/** Test helpers: keys, PEM files and DSSE signatures made with the JDK (PAE written out here, independently). */
final class Signing {

    private Signing() {
    }

    /** The {@code provenance_signatures} fact of a passed check. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> signatureFacts(StepResult outcome) {
        return (List<Map<String, Object>>) outcome.facts().get("provenance_signatures");
    }

    static KeyPair ecP256() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static KeyPair keyPair(String algorithm, int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            if (bits > 0) {
                generator.initialize(bits);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    static Path writePublicKey(Path file, PublicKey key) throws IOException {
        Files.writeString(file, pem("PUBLIC KEY", key.getEncoded()));
        return file;
    }

    /** "DSSEv1" SP len(type) SP type SP len(body) SP body. */
    static byte[] pae(String payloadType, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
        out.writeBytes(String.format("DSSEv1 %d ", type.length).getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(type);
        out.writeBytes(String.format(" %d ", body.length).getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(body);
        return out.toByteArray();
    }

    static byte[] payload(JsonNode envelope) {
        return Base64.getMimeDecoder().decode(envelope.get("payload").asText().replace('-', '+').replace('_', '/'));
    }

    /** Signs {@code message} with SHA256withECDSA (DER), Ed25519 or SHA256withRSA depending on the key. */
    static byte[] sign(PrivateKey key, byte[] message) {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> "Ed25519";
        };
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(message);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Appends a signature over the envelope's PAE to its {@code signatures}. */
    static ObjectNode addSignature(ObjectNode envelope, PrivateKey key, String keyid) {
        byte[] sig = sign(key, pae(envelope.get("payloadType").asText(), payload(envelope)));
        ObjectNode entry = envelope.withArray("signatures").addObject();
        entry.put("keyid", keyid);
        entry.put("sig", Base64.getEncoder().encodeToString(sig));
        return envelope;
    }

    static ObjectNode readEnvelope(Path file) throws IOException {
        return (ObjectNode) JSON.readTree(file.toFile());
    }

    static Path writeJson(Path file, JsonNode node) throws IOException {
        Files.write(file, JSON.writeValueAsBytes(node));
        return file;
    }

    static Path resource(String name) {
        try {
            return Path.of(Signing.class.getResource("/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("test resource " + name + " is missing", e);
        }
    }

    /** ECDSA DER signature (SEQUENCE of INTEGER r, s) to the raw r||s form, each {@code size} bytes. */
    static byte[] derToRaw(byte[] der, int size) {
        int offset = 2 + ((der[1] & 0x80) != 0 ? (der[1] & 0x7f) : 0);
        byte[] raw = new byte[2 * size];
        for (int part = 0; part < 2; part++) {
            if (der[offset] != 0x02) {
                throw new IllegalArgumentException("not a DER INTEGER");
            }
            int length = der[offset + 1];
            int start = offset + 2;
            int skip = 0;
            while (length - skip > size && der[start + skip] == 0) {
                skip++;
            }
            int n = length - skip;
            System.arraycopy(der, start + skip, raw, part * size + size - n, n);
            offset = start + length;
        }
        return raw;
    }
}
