package io.drdrill.supplychain;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drdrill.step.DrDrillError;
import io.drdrill.step.StepResult;
import io.drdrill.manifest.Manifest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.drdrill.testsupport.TestBundle.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * DSSE signatures made by an independent signer: {@code provenance/make-signed-envelopes.sh} signs with OpenSSL
 * only, and this test verifies its envelopes (and tampered copies of them) with {@link ProvenanceCheck}.
 */
class DsseSignatureTest {

    private static final String DIGEST = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";
    private static final String BUILDER = "https://drdrill.io/test-builder@v1";
    private static final String SLSA_V1 = "https://slsa.dev/provenance/v1";

    @TempDir
    static Path shared;

    private static Path signed;

    @TempDir
    Path tempDir;

    private final ProvenanceCheck check = new ProvenanceCheck();

    @BeforeAll
    static void signWithOpenSsl() throws Exception {
        assumeTrue(run("openssl", "version").exit == 0, "openssl is not installed");
        signed = shared.resolve("signed");
        Result result = run("bash", Signing.resource("provenance/make-signed-envelopes.sh").toString(),
                signed.toString(), DIGEST);
        assertThat(result.exit).as("make-signed-envelopes.sh: " + result.output).isZero();
    }

    private static Path envelope(String name) {
        return signed.resolve(name + ".dsse.json");
    }

    private static Path key(String name) {
        return signed.resolve(name);
    }

    private static Manifest.Provenance trusting(Path provenance, Path... keys) {
        return new Manifest.Provenance(provenance, List.of(keys), true, List.of(), List.of());
    }

    // ------------------------------------------------------------------ PAE

    @Test
    void paeMatchesTheDsseSpecificationExample() {
        // Given the example of the DSSE protocol / When it is encoded / Then the bytes are the specified ones
        assertThat(new String(DsseEnvelope.pae("http://example.com/HelloWorld",
                "hello world".getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8))
                .isEqualTo("DSSEv1 29 http://example.com/HelloWorld 11 hello world");
    }

    @Test
    void paeMatchesTheOneTheScriptSigned() throws IOException {
        // Given the payload and PAE written by the shell script
        byte[] payload = Files.readAllBytes(signed.resolve("payload.json"));

        // When the Java PAE of the payload is built / Then it is byte for byte the script's
        assertThat(DsseEnvelope.pae("application/vnd.in-toto+json", payload))
                .isEqualTo(Files.readAllBytes(signed.resolve("pae.bin")));
    }

    @Test
    void paeCountsBytesNotCharacters() {
        // Given a body with a two-byte character / When it is encoded / Then its length is 2
        assertThat(DsseEnvelope.pae("t", "é".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("DSSEv1 1 t 2 é".getBytes(StandardCharsets.UTF_8));
    }

    // ------------------------------------------------------------------ verifying OpenSSL signatures

    @ParameterizedTest(name = "{0} verifies with {1}")
    @CsvSource(delimiter = '|', value = {
            "ecdsa-p256         | ec-p256.pub.pem | ECDSA P-256 | ECDSA P-256 SHA-256",
            "ecdsa-p256-pkeyutl | ec-p256.pub.pem | ECDSA P-256 | ECDSA P-256 SHA-256",
            "ecdsa-p384         | ec-p384.pub.pem | ECDSA P-384 | ECDSA P-384 SHA-384",
            "ed25519            | ed25519.pub.pem | Ed25519     | Ed25519",
            "rsa-pkcs1          | rsa2048.pub.pem | RSA 2048    | RSA PKCS#1 v1.5 SHA-256",
            "rsa-pkcs1-urlsafe  | rsa2048.pub.pem | RSA 2048    | RSA PKCS#1 v1.5 SHA-256",
            "rsa-pss-default    | rsa2048.pub.pem | RSA 2048    | RSA-PSS SHA-256 salt ",
            "rsa-pss-digest     | rsa2048.pub.pem | RSA 2048    | RSA-PSS SHA-256 salt 32",
            "rsa-pss-pkeyutl    | rsa2048.pub.pem | RSA 2048    | RSA-PSS SHA-256 salt "})
    void openSslSignatureVerifies(String name, String keyFile, String keyType, String algorithm) throws Exception {
        // Given an envelope signed by OpenSSL and its public key trusted
        Path provenance = envelope(name);

        // When it is validated
        StepResult outcome = check.verify(trusting(provenance, key(keyFile)), DIGEST);

        // Then signature 0 verified under that key (fingerprint as OpenSSL's DER of the key gives it)
        String fingerprint = openSslFingerprint(key(keyFile));
        assertThat(outcome.facts())
                .containsEntry("provenance_signature_status", "verified")
                .containsEntry("provenance_builder_id", BUILDER);
        assertThat(Signing.signatureFacts(outcome)).singleElement().satisfies(s -> {
            assertThat(s).containsEntry("index", 0).containsEntry("verified", true)
                    .containsEntry("key_fingerprint", fingerprint).doesNotContainKey("reason");
            assertThat((String) s.get("algorithm")).startsWith(algorithm);
        });
        assertThat(outcome.notes()).isEqualTo("1 record(s); record 0 names the backup digest (dsse, SLSA provenance "
                + "v1); signed by trusted key " + fingerprint + " (" + keyType + ", " + keyFile + "); builder " + BUILDER);
    }

    @Test
    void openSslDefaultPssSaltIsAccepted() throws Exception {
        // Given OpenSSL's PSS signatures with its default salt length and with the digest length
        // When they are validated
        String byDefault = algorithm(check.verify(trusting(envelope("rsa-pss-default"), key("rsa2048.pub.pem")), DIGEST));
        String byDigest = algorithm(check.verify(trusting(envelope("rsa-pss-digest"), key("rsa2048.pub.pem")), DIGEST));

        // Then both verify: the default is the maximum salt (222 for RSA 2048) up to OpenSSL 3.0, 32 from 3.1
        assertThat(byDefault).isIn("RSA-PSS SHA-256 salt 222", "RSA-PSS SHA-256 salt 32");
        assertThat(byDigest).isEqualTo("RSA-PSS SHA-256 salt 32");
    }

    @Test
    void urlSafeUnpaddedSignatureVerifies() throws IOException {
        // Given the RSA signature written in URL-safe base64 without padding
        String sig = Signing.readEnvelope(envelope("rsa-pkcs1-urlsafe")).get("signatures").get(0).get("sig").asText();
        assertThat(sig).doesNotContain("=").doesNotContain("+").doesNotContain("/");
        assumeTrue(sig.contains("-") || sig.contains("_"), "signature happens to need no URL-safe characters");

        // When / Then it verifies
        assertThat(check.verify(trusting(envelope("rsa-pkcs1-urlsafe"), key("rsa2048.pub.pem")), DIGEST).facts())
                .containsEntry("provenance_signature_status", "verified");
    }

    @ParameterizedTest
    @CsvSource({"ecdsa-p256, ec-p256.pub.pem, 32, ECDSA P-256 SHA-256 (r||s)",
            "ecdsa-p384, ec-p384.pub.pem, 48, ECDSA P-384 SHA-384 (r||s)"})
    void rawRsEcdsaSignatureVerifies(String name, String keyFile, int size, String algorithm) throws IOException {
        // Given OpenSSL's DER signature converted to the raw r||s form
        ObjectNode envelope = Signing.readEnvelope(envelope(name));
        ObjectNode signature = (ObjectNode) envelope.get("signatures").get(0);
        byte[] raw = Signing.derToRaw(Base64.getDecoder().decode(signature.get("sig").asText()), size);
        assertThat(raw).hasSize(2 * size);
        signature.put("sig", Base64.getEncoder().encodeToString(raw));
        Path provenance = Signing.writeJson(tempDir.resolve("raw.json"), envelope);

        // When / Then it verifies as r||s
        assertThat(algorithm(check.verify(trusting(provenance, key(keyFile)), DIGEST))).isEqualTo(algorithm);
    }

    @Test
    void certificateOfTheKeyIsATrustedKey() throws Exception {
        // Given a self-signed X.509 certificate for the EC key (openssl req -x509)
        Path certificate = key("ec-p256.cert.pem");
        assertThat(Files.readString(certificate)).startsWith("-----BEGIN CERTIFICATE-----");

        // When the envelope is validated trusting the certificate
        StepResult outcome = check.verify(trusting(envelope("ecdsa-p256"), certificate), DIGEST);

        // Then it verifies under the certificate's public key
        assertThat(Signing.signatureFacts(outcome).get(0))
                .containsEntry("verified", true)
                .containsEntry("key_fingerprint", openSslFingerprint(key("ec-p256.pub.pem")));
    }

    @Test
    void pkcs1RsaPublicKeyIsATrustedKey() throws Exception {
        // Given the RSA key as a PKCS#1 "RSA PUBLIC KEY"
        Path pkcs1 = key("rsa2048.rsapub.pem");
        assertThat(Files.readString(pkcs1)).startsWith("-----BEGIN RSA PUBLIC KEY-----");

        // When / Then the RSA signature verifies under it, with the SubjectPublicKeyInfo fingerprint
        assertThat(Signing.signatureFacts(check.verify(trusting(envelope("rsa-pkcs1"), pkcs1), DIGEST)).get(0))
                .containsEntry("verified", true)
                .containsEntry("key_fingerprint", openSslFingerprint(key("rsa2048.pub.pem")));
    }

    @Test
    void signedEnvelopeInsideASigstoreBundleVerifies() throws IOException {
        // Given JSON lines: an OpenSSL envelope about another digest, then a v0.3 bundle with the Ed25519 envelope
        ObjectNode bundle = JSON.createObjectNode();
        bundle.put("mediaType", "application/vnd.dev.sigstore.bundle.v0.3+json");
        bundle.putObject("verificationMaterial").putObject("publicKey").put("hint", "ed25519");
        bundle.set("dsseEnvelope", Signing.readEnvelope(envelope("ed25519")));
        ObjectNode other = Signing.readEnvelope(envelope("ecdsa-p256"));
        other.put("payload", Base64.getEncoder().encodeToString(new String(Signing.payload(other),
                StandardCharsets.UTF_8).replace(DIGEST, "0".repeat(64)).getBytes(StandardCharsets.UTF_8)));
        Path provenance = tempDir.resolve("p.intoto.jsonl");
        Files.writeString(provenance, JSON.writeValueAsString(other) + "\n" + JSON.writeValueAsString(bundle) + "\n");

        // When it is validated trusting the Ed25519 key
        StepResult outcome = check.verify(trusting(provenance, key("ed25519.pub.pem")), DIGEST);

        // Then the bundle is the match, verified
        assertThat(outcome.facts())
                .containsEntry("provenance_matched_record", 1)
                .containsEntry("provenance_container", "sigstore-bundle v0.3")
                .containsEntry("provenance_signature_status", "verified");
    }

    @Test
    void oneOfTwoSignaturesVerifying() throws IOException {
        // Given one envelope carrying the ECDSA and then the Ed25519 signature, only Ed25519 trusted
        ObjectNode envelope = Signing.readEnvelope(envelope("ecdsa-p256"));
        ((ArrayNode) envelope.get("signatures")).add(Signing.readEnvelope(envelope("ed25519")).get("signatures").get(0));
        Path provenance = Signing.writeJson(tempDir.resolve("two.json"), envelope);

        // When it is validated
        StepResult outcome = check.verify(trusting(provenance, key("ed25519.pub.pem")), DIGEST);

        // Then signature 1 verified, signature 0 did not
        List<Map<String, Object>> signatures = Signing.signatureFacts(outcome);
        assertThat(signatures).extracting(s -> s.get("keyid"), s -> s.get("verified"))
                .containsExactly(org.assertj.core.groups.Tuple.tuple("ec-p256", false),
                        org.assertj.core.groups.Tuple.tuple("ed25519", true));
        assertThat(signatures.get(0)).containsEntry("reason", "does not verify under any trusted key");
    }

    // ------------------------------------------------------------------ what must fail

    @Test
    void tamperedPayloadFails() throws IOException {
        // Given the signed envelope whose payload was changed after signing (another builder, same subject)
        ObjectNode envelope = Signing.readEnvelope(envelope("ecdsa-p256"));
        String payload = new String(Signing.payload(envelope), StandardCharsets.UTF_8);
        envelope.put("payload", Base64.getEncoder().encodeToString(
                payload.replace(BUILDER, "https://evil.example/builder").getBytes(StandardCharsets.UTF_8)));
        Path provenance = Signing.writeJson(tempDir.resolve("tampered.json"), envelope);

        // When / Then the signature no longer verifies
        assertThatThrownBy(() -> check.verify(trusting(provenance, key("ec-p256.pub.pem")), DIGEST))
                .isInstanceOf(DrDrillError.class)
                .hasMessageStartingWith("no trusted provenance for digest sha256:" + DIGEST + ": record 0 names the "
                        + "backup but is not signed by a trusted key: signature 0 (keyid ec-p256): does not verify "
                        + "under any trusted key (");
    }

    @Test
    void tamperedSignatureFails() throws IOException {
        // Given the Ed25519 signature with one bit flipped
        ObjectNode envelope = Signing.readEnvelope(envelope("ed25519"));
        ObjectNode signature = (ObjectNode) envelope.get("signatures").get(0);
        byte[] sig = Base64.getDecoder().decode(signature.get("sig").asText());
        sig[10] ^= 1;
        signature.put("sig", Base64.getEncoder().encodeToString(sig));
        Path provenance = Signing.writeJson(tempDir.resolve("flipped.json"), envelope);

        // When / Then it fails
        assertThatThrownBy(() -> check.verify(trusting(provenance, key("ed25519.pub.pem")), DIGEST))
                .isInstanceOf(DrDrillError.class)
                .hasMessageContaining("is not signed by a trusted key");
    }

    @Test
    void wrongKeysFail() throws Exception {
        // Given the ECDSA P-256 envelope and every other key trusted
        Manifest.Provenance settings = trusting(envelope("ecdsa-p256"),
                key("ec-p384.pub.pem"), key("ed25519.pub.pem"), key("rsa2048.pub.pem"));

        // When / Then it fails, listing the fingerprints it tried
        assertThatThrownBy(() -> check.verify(settings, DIGEST))
                .isInstanceOf(DrDrillError.class)
                .hasMessageContaining("signature 0 (keyid ec-p256): does not verify under any trusted key ("
                        + openSslFingerprint(key("ec-p384.pub.pem")) + ", "
                        + openSslFingerprint(key("ed25519.pub.pem")) + ", "
                        + openSslFingerprint(key("rsa2048.pub.pem")) + ")");
    }

    @Test
    void signatureOverTheRawPayloadIsRejected() throws IOException {
        // Given a signature over the payload bytes (not the PAE) by the trusted key
        Path provenance = envelope("ecdsa-p256-raw-payload");

        // When / Then it is not accepted, and the reason says why
        assertThatThrownBy(() -> check.verify(trusting(provenance, key("ec-p256.pub.pem")), DIGEST))
                .isInstanceOf(DrDrillError.class)
                .hasMessageContaining("record 0 names the backup but is not signed by a trusted key: signature 0 "
                        + "(keyid ec-p256): signs the raw payload, not the DSSE PAE (not accepted)");
    }

    @Test
    void missingSignatureFailsWhenRequired() throws IOException {
        // Given the signed envelope with its signatures removed
        ObjectNode envelope = Signing.readEnvelope(envelope("ecdsa-p256"));
        envelope.putArray("signatures");
        Path provenance = Signing.writeJson(tempDir.resolve("unsigned.json"), envelope);

        // When / Then it fails as unsigned
        assertThatThrownBy(() -> check.verify(trusting(provenance, key("ec-p256.pub.pem")), DIGEST))
                .isInstanceOf(DrDrillError.class)
                .hasMessageContaining("record 0 names the backup but the envelope is unsigned");
    }

    @Test
    void wrongKeyIsReportedButPassesWhenSignaturesAreNotRequired() {
        // Given the ECDSA envelope, the Ed25519 key trusted, require_signature false
        Manifest.Provenance settings = new Manifest.Provenance(envelope("ecdsa-p256"),
                List.of(key("ed25519.pub.pem")), false, List.of(), List.of());

        // When it is validated
        StepResult outcome = check.verify(settings, DIGEST);

        // Then it passes, reporting the unverified signature
        assertThat(outcome.facts()).containsEntry("provenance_signature_status", "not verified (signature not required)");
        assertThat(Signing.signatureFacts(outcome).get(0)).containsEntry("verified", false);
    }

    // ------------------------------------------------------------------ predicate rules on signed provenance

    @Test
    void expectedBuilderIdMatches() {
        // Given the signed envelope and its builder expected
        Manifest.Provenance settings = new Manifest.Provenance(envelope("rsa-pss-digest"),
                List.of(key("rsa2048.pub.pem")), true, List.of(BUILDER), List.of(SLSA_V1));

        // When / Then it passes
        assertThat(check.verify(settings, DIGEST).facts()).containsEntry("provenance_builder_id", BUILDER);
    }

    @Test
    void unexpectedBuilderIdFailsEvenWhenSigned() {
        // Given the signed envelope and another builder expected
        Manifest.Provenance settings = new Manifest.Provenance(envelope("ed25519"),
                List.of(key("ed25519.pub.pem")), true, List.of("https://other.example/builder@v2"), List.of());

        // When / Then it fails naming the actual builder
        assertThatThrownBy(() -> check.verify(settings, DIGEST))
                .isInstanceOf(DrDrillError.class)
                .hasMessageContaining("record 0 names the backup but its builder id '" + BUILDER
                        + "' is not one of the expected_builder_ids [https://other.example/builder@v2]");
    }

    @Test
    void disallowedPredicateTypeFailsEvenWhenSigned() {
        // Given the signed envelope and only SLSA v0.2 allowed
        Manifest.Provenance settings = new Manifest.Provenance(envelope("ed25519"),
                List.of(key("ed25519.pub.pem")), true, List.of(), List.of("https://slsa.dev/provenance/v0.2"));

        // When / Then it fails naming the predicate type
        assertThatThrownBy(() -> check.verify(settings, DIGEST))
                .isInstanceOf(DrDrillError.class)
                .hasMessageContaining("its predicateType '" + SLSA_V1 + "' is not one of the allowed_predicate_types");
    }

    // ------------------------------------------------------------------ helpers

    private static String algorithm(StepResult outcome) {
        return (String) Signing.signatureFacts(outcome).get(0).get("algorithm");
    }

    /** SHA256: + unpadded base64 of the SHA-256 of the DER SubjectPublicKeyInfo that OpenSSL writes. */
    private static String openSslFingerprint(Path pem) throws Exception {
        Path der = Files.createTempFile("spki", ".der");
        try {
            assertThat(run("openssl", "pkey", "-pubin", "-in", pem.toString(), "-outform", "DER", "-out",
                    der.toString()).exit).isZero();
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(der));
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } finally {
            Files.deleteIfExists(der);
        }
    }

    private record Result(int exit, String output) {
    }

    private static Result run(String... command) {
        try {
            Process process = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true).start();
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            try (InputStream in = process.getInputStream()) {
                in.transferTo(output);
            }
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(-1, "timed out");
            }
            return new Result(process.exitValue(), output.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, e.toString());
        }
    }
}
