package io.drdrill.drill;

import io.drdrill.manifest.Manifest;
import io.drdrill.manifest.ManifestLoader;
import io.drdrill.restore.RestoreRunner;
import io.drdrill.step.DrDrillError;
import io.drdrill.step.StepName;
import io.drdrill.step.StepResult;
import io.drdrill.testsupport.TestBundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Whole drills over artifacts other projects published (see src/test/resources/real-world/README.md): a Bazel
 * Central Registry release tarball with its Sigstore bundle, and the SPDX example tarball with its SPDX 2.2 SBOM.
 */
class RealWorldDrillTest {

    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static final String BCR_SHA256 = "1636f443b01c9ee310ee5834956d0dce374c3d3bf8d4cebc9f6b86f8304b4982";
    private static final String HELLO_SHA256 = "3e11868522b3c014cd7ef27b8472c19cf6911e6faa222b3aa7179b167d4c0b0b";

    private final Drill drill = new Drill(new RestoreRunner(List.of()));

    @TempDir
    Path dir;

    @Test
    void aBazelReleaseTarballWithItsSigstoreBundleRestoresAndVerifiesUnderItsSignersCertificate() throws Exception {
        // Given the rules_lint release tarball, its Sigstore bundle, and the bundle's signing certificate as trusted key
        copy("slsa-verifier/bcr/rules_lint-v1.3.1.tar.gz");
        Path bundle = copy("slsa-verifier/bcr/rules_lint-v1.3.1.tar.gz.intoto.jsonl");
        JsonNode sigstore = TestBundle.JSON.readTree(Files.readAllLines(bundle).get(0));
        Files.writeString(dir.resolve("signer.pem"), "-----BEGIN CERTIFICATE-----\n"
                + sigstore.path("verificationMaterial").path("certificate").path("rawBytes").asText()
                + "\n-----END CERTIFICATE-----\n");
        writeCycloneDx(BCR_SHA256);
        ObjectNode manifest = manifest("rules_lint-v1.3.1.tar.gz", BCR_SHA256, bundle.getFileName().toString());
        ((ObjectNode) manifest.get("provenance")).putArray("trusted_keys").add("signer.pem");
        ((ObjectNode) manifest.get("provenance")).putArray("expected_builder_ids").add(
                "https://github.com/bazel-contrib/.github/.github/workflows/release_ruleset.yaml@refs/tags/v7.1.0");

        // When every step runs
        Map<String, Object> facts = runAllSteps(manifest);

        // Then the archive, the signature over the PAE, the builder and the restored copy all check out
        assertThat(facts).containsEntry("backup_format", "tar.gz").containsEntry("archive_entries", 222L)
                .containsEntry("provenance_container", "sigstore-bundle v0.3")
                .containsEntry("provenance_signature_status", "verified")
                .containsEntry("sbom_digest_match", "metadata.component.hashes")
                .containsEntry("restored_sha256", "sha256:" + BCR_SHA256);
    }

    @Test
    void theSpdxExampleTarballIsBoundToTheBackupThroughItsSpdx22FileChecksum() throws Exception {
        // Given the SPDX example tarball and the SPDX 2.2 document that describes it
        copy("spdx/example12/hello-0.0.1.tar.gz");
        copy("spdx/example12/hello-dist.spdx-2.2.json");
        Files.write(dir.resolve("provenance.dsse.json"), TestBundle.JSON.writeValueAsBytes(
                TestBundle.dsseEnvelope("hello-0.0.1.tar.gz", HELLO_SHA256)));
        ObjectNode manifest = manifest("hello-0.0.1.tar.gz", HELLO_SHA256, "provenance.dsse.json");
        ((ObjectNode) manifest.get("sbom")).put("path", "hello-dist.spdx-2.2.json");

        // When every step runs
        Map<String, Object> facts = runAllSteps(manifest);

        // Then the SPDX 2.2 schema passed and the SBOM names the backup by its file checksum
        assertThat(facts).containsEntry("sbom_format", "SPDX").containsEntry("sbom_spec_version", "2.2")
                .containsEntry("sbom_digest_match", "files[0].checksums")
                .containsEntry("backup_format", "tar.gz").containsEntry("archive_entries", 17L);
    }

    @Test
    void theSampleBundleReSignedByAnUntrustedKeyFailsAtValidateProvenance() throws Exception {
        // Given the sample bundle whose envelope an attacker re-signed with a key of their own
        Path sample = Path.of("data", "dr");
        try (Stream<Path> files = Files.list(sample)) {
            for (Path file : files.toList()) {
                Files.copy(file, dir.resolve(file.getFileName()));
            }
        }
        Path envelopeFile = dir.resolve("provenance.dsse.json");
        ObjectNode envelope = (ObjectNode) TestBundle.JSON.readTree(envelopeFile.toFile());
        byte[] body = Base64.getDecoder().decode(envelope.get("payload").asText());
        envelope.putArray("signatures").addObject().put("keyid", "attacker")
                .put("sig", Base64.getEncoder().encodeToString(signPae(envelope.get("payloadType").asText(), body)));
        Files.write(envelopeFile, TestBundle.JSON.writeValueAsBytes(envelope));
        Manifest manifest = new ManifestLoader().load(dir.resolve("manifest.json"));
        DrillContext context = new DrillContext(manifest, NOW, dir.resolve("evidence"), Optional.empty());

        // When the provenance step runs, then it fails and says the envelope is not signed by a trusted key
        assertThatThrownBy(() -> drill.run(StepName.VALIDATE_PROVENANCE, context))
                .isInstanceOf(DrDrillError.class).hasMessageContaining("not signed by a trusted key");
    }

    private Map<String, Object> runAllSteps(ObjectNode manifestJson) throws IOException {
        Files.write(dir.resolve("manifest.json"), TestBundle.JSON.writeValueAsBytes(manifestJson));
        Manifest manifest = new ManifestLoader().load(dir.resolve("manifest.json"));
        Map<String, Object> facts = new LinkedHashMap<>();
        Optional<Double> rto = Optional.empty();
        for (StepName step : StepName.values()) {
            StepResult outcome = drill.run(step, new DrillContext(manifest, NOW, dir.resolve("evidence"), rto));
            facts.putAll(outcome.facts());
            if (outcome.facts().get("rto_seconds") instanceof Number seconds) {
                rto = Optional.of(seconds.doubleValue());
            }
        }
        return facts;
    }

    private ObjectNode manifest(String backup, String sha256, String provenance) {
        ObjectNode manifest = TestBundle.JSON.createObjectNode();
        manifest.putObject("backup").put("path", backup).put("sha256", "sha256:" + sha256)
                .put("captured_at", "2026-11-25T11:00:00Z");
        manifest.putObject("sbom").put("path", "sbom.cdx.json");
        manifest.putObject("provenance").put("path", provenance);
        manifest.putObject("restore").put("output_dir", "restored").put("copy_backup", true);
        manifest.putObject("policies").put("max_rpo_minutes", 120).put("max_rto_seconds", 300);
        return manifest;
    }

    private void writeCycloneDx(String sha256) throws IOException {
        ObjectNode sbom = TestBundle.JSON.createObjectNode().put("bomFormat", "CycloneDX").put("specVersion", "1.5")
                .put("version", 1);
        ObjectNode component = sbom.putObject("metadata").putObject("component").put("type", "file")
                .put("name", "rules_lint-v1.3.1.tar.gz");
        component.putArray("hashes").addObject().put("alg", "SHA-256").put("content", sha256);
        sbom.putArray("components").addObject().put("type", "library").put("name", "rules_lint")
                .put("version", "1.3.1");
        Files.write(dir.resolve("sbom.cdx.json"), TestBundle.JSON.writeValueAsBytes(sbom));
    }

    private Path copy(String resource) throws IOException, URISyntaxException {
        Path source = Path.of(getClass().getResource("/real-world/" + resource).toURI());
        return Files.copy(source, dir.resolve(source.getFileName()));
    }

    private static byte[] signPae(String payloadType, byte[] body) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        PrivateKey key = generator.generateKeyPair().getPrivate();
        byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
        byte[] head = ("DSSEv1 " + type.length + " " + payloadType + " " + body.length + " ")
                .getBytes(StandardCharsets.UTF_8);
        byte[] pae = new byte[head.length + body.length];
        System.arraycopy(head, 0, pae, 0, head.length);
        System.arraycopy(body, 0, pae, head.length, body.length);
        Signature signature = Signature.getInstance("SHA256withECDSA");
        signature.initSign(key);
        signature.update(pae);
        return signature.sign();
    }
}
