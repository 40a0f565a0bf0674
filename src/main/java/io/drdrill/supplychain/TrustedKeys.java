package io.drdrill.supplychain;

import io.drdrill.step.DrDrillError;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The public keys of {@code provenance.trusted_keys}: PEM files holding {@code PUBLIC KEY} (SubjectPublicKeyInfo),
 * {@code RSA PUBLIC KEY} (PKCS#1) or {@code CERTIFICATE} blocks; every such block in a file is trusted. Of a
 * certificate only the public key is used: its validity period, issuer and identity are not checked.
 * Supported keys: ECDSA P-256, P-384, P-521, Ed25519 and RSA of at least 2048 bits.
 */
final class TrustedKeys {

    static final long MAX_KEY_FILE_BYTES = 1L << 20;
    static final int MIN_RSA_BITS = 2048;

    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*(.*?)-----END \\1-----", Pattern.DOTALL);
    private static final byte[] RSA_ALGORITHM_IDENTIFIER = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48,
            (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

    /**
     * A trusted public key.
     *
     * @param fingerprint {@code SHA256:} + unpadded standard base64 of the SHA-256 of the key's DER
     *                    SubjectPublicKeyInfo (the form {@code ssh-keygen -l} prints)
     * @param description e.g. "ECDSA P-256", "Ed25519", "RSA 3072"
     */
    record TrustedKey(Path file, PublicKey key, String fingerprint, String description) {

        /** "SHA256:… (ECDSA P-256, file.pem)". */
        String label() {
            return fingerprint + " (" + description + ", " + file.getFileName() + ")";
        }
    }

    private TrustedKeys() {
    }

    /** Every key of every file, each fingerprint once; a {@link DrDrillError} names a file that is not usable. */
    static List<TrustedKey> load(List<Path> files) {
        Map<String, TrustedKey> keys = new LinkedHashMap<>();
        for (Path file : files) {
            for (TrustedKey key : load(file)) {
                keys.putIfAbsent(key.fingerprint(), key);
            }
        }
        return List.copyOf(keys.values());
    }

    static List<TrustedKey> load(Path file) {
        String text = new String(read(file), StandardCharsets.US_ASCII);
        List<TrustedKey> keys = new ArrayList<>();
        Matcher block = PEM.matcher(text);
        while (block.find()) {
            String label = block.group(1);
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(block.group(2));
            } catch (IllegalArgumentException e) {
                throw invalid(file, "its " + label + " block is not valid base64");
            }
            PublicKey key = switch (label) {
                case "PUBLIC KEY" -> publicKey(file, der);
                case "RSA PUBLIC KEY" -> publicKey(file, spkiOfPkcs1(der));
                case "CERTIFICATE" -> certificateKey(file, der);
                case "EC PARAMETERS" -> null;
                default -> throw invalid(file, label.contains("PRIVATE")
                        ? "it holds a private key (" + label + "); give the public key only"
                        : "its " + label + " block is neither a PUBLIC KEY nor a CERTIFICATE");
            };
            if (key != null) {
                keys.add(new TrustedKey(file, key, fingerprint(key), describe(file, key)));
            }
        }
        if (keys.isEmpty()) {
            throw invalid(file, "it holds no PEM PUBLIC KEY or CERTIFICATE");
        }
        return keys;
    }

    /** {@code SHA256:} + unpadded base64 of SHA-256 over the DER SubjectPublicKeyInfo. */
    static String fingerprint(PublicKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] read(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                throw invalid(file, "it does not exist or is not a regular file");
            }
            if (Files.size(file) > MAX_KEY_FILE_BYTES) {
                throw invalid(file, "it is larger than 1 MiB");
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw invalid(file, "it cannot be read: " + e.getMessage());
        }
    }

    private static PublicKey publicKey(Path file, byte[] spki) {
        for (String algorithm : List.of("EC", "Ed25519", "RSA", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(spki));
            } catch (GeneralSecurityException | IllegalArgumentException notThisAlgorithm) {
                // try the next algorithm
            }
        }
        throw invalid(file, "its public key is not an ECDSA, Ed25519 or RSA key this drill can read");
    }

    private static PublicKey certificateKey(Path file, byte[] der) {
        try {
            return CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der)).getPublicKey();
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw invalid(file, "its CERTIFICATE is not a valid X.509 certificate (" + e.getMessage() + ")");
        }
    }

    private static String describe(Path file, PublicKey key) {
        if (key instanceof ECPublicKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            if (bits != 256 && bits != 384 && bits != 521) {
                throw invalid(file, "its EC key is on a " + bits + "-bit curve (P-256, P-384 or P-521 expected)");
            }
            return "ECDSA P-" + bits;
        }
        if (key instanceof EdECPublicKey ed && "Ed25519".equals(ed.getParams().getName())) {
            return "Ed25519";
        }
        if (key instanceof RSAPublicKey rsa) {
            int bits = rsa.getModulus().bitLength();
            if (bits < MIN_RSA_BITS) {
                throw invalid(file, "its RSA key has " + bits + " bits (at least " + MIN_RSA_BITS + " required)");
            }
            return "RSA " + bits;
        }
        throw invalid(file, "its " + key.getAlgorithm() + " key is not supported (ECDSA, Ed25519 or RSA expected)");
    }

    /** Wraps a PKCS#1 RSAPublicKey into a SubjectPublicKeyInfo. */
    private static byte[] spkiOfPkcs1(byte[] pkcs1) {
        ByteArrayOutputStream bitString = new ByteArrayOutputStream();
        bitString.write(0);
        bitString.writeBytes(pkcs1);
        byte[] key = derElement(0x03, bitString.toByteArray());
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(RSA_ALGORITHM_IDENTIFIER);
        body.writeBytes(key);
        return derElement(0x30, body.toByteArray());
    }

    private static byte[] derElement(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else {
            int bytes = length > 0xffffff ? 4 : length > 0xffff ? 3 : length > 0xff ? 2 : 1;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static DrDrillError invalid(Path file, String why) {
        return new DrDrillError("provenance trusted key " + file + " is not usable: " + why);
    }
}
