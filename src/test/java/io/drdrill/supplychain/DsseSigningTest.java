package io.drdrill.supplychain;

import io.drdrill.step.DrDrillError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Our own DSSE signatures, checked by our verifier and by openssl, for both key types a drill can sign with. */
class DsseSigningTest {

    @TempDir
    Path dir;

    private String openssl(String... args) throws Exception {
        Process process = new ProcessBuilder(List.of(args)).directory(dir.toFile()).redirectErrorStream(true)
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return process.exitValue() + ":" + out.strip();
    }

    @Test
    void anEd25519SignatureOverThePaeVerifiesHereAndWithOpensslAndNotAfterAChangedPayload() throws Exception {
        // Given an Ed25519 key pair made by openssl
        assertThat(openssl("openssl", "genpkey", "-algorithm", "ed25519", "-out", "key.pem")).startsWith("0:");
        assertThat(openssl("openssl", "pkey", "-in", "key.pem", "-pubout", "-out", "pub.pem")).startsWith("0:");
        byte[] payload = "{\"_type\":\"https://in-toto.io/Statement/v1\"}".getBytes(StandardCharsets.UTF_8);

        // When a payload is signed into an envelope
        Map<String, Object> envelope = DsseSigning.sign("application/vnd.in-toto+json", payload,
                DsseSigning.load(dir.resolve("key.pem")));

        // Then our verifier and openssl (over the PAE) accept it, and a changed payload is refused
        var json = DsseSigning.json(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(envelope));
        assertThat(DsseSigning.verify(json, dir.resolve("pub.pem")).payload()).isEqualTo(payload);
        Files.write(dir.resolve("pae.bin"), DsseSigning.pae("application/vnd.in-toto+json", payload));
        @SuppressWarnings("unchecked")
        String sig = ((List<Map<String, String>>) envelope.get("signatures")).get(0).get("sig");
        Files.write(dir.resolve("sig.bin"), Base64.getDecoder().decode(sig));
        assertThat(openssl("openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin", "-in", "pae.bin",
                "-sigfile", "sig.bin")).startsWith("0:").contains("Signature Verified Successfully");
        ((com.fasterxml.jackson.databind.node.ObjectNode) json).put("payload",
                Base64.getEncoder().encodeToString("{\"_type\":\"forged\"}".getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> DsseSigning.verify(json, dir.resolve("pub.pem"))).isInstanceOf(DrDrillError.class)
                .hasMessageContaining("does not verify");
    }

    @Test
    void aKeyThatIsNotAPkcs8EcdsaP256OrEd25519PrivateKeyIsRefusedWithTheReason() throws Exception {
        // Given a P-384 key, a public key and an RSA key
        assertThat(openssl("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384",
                "-out", "p384.pem")).startsWith("0:");
        assertThat(openssl("openssl", "pkey", "-in", "p384.pem", "-pubout", "-out", "pub.pem")).startsWith("0:");
        assertThat(openssl("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                "-out", "rsa.pem")).startsWith("0:");

        // When each is loaded as a signing key / Then each is refused, saying why
        assertThatThrownBy(() -> DsseSigning.load(dir.resolve("p384.pem"))).hasMessageContaining("another curve");
        assertThatThrownBy(() -> DsseSigning.load(dir.resolve("pub.pem"))).hasMessageContaining("PKCS#8");
        assertThatThrownBy(() -> DsseSigning.load(dir.resolve("rsa.pem")))
                .hasMessageContaining("neither an ECDSA P-256 nor an Ed25519 key");
    }
}
