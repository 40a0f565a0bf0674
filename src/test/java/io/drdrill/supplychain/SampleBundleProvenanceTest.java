package io.drdrill.supplychain;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drdrill.step.DrDrillError;
import io.drdrill.step.StepResult;
import io.drdrill.manifest.Manifest;
import io.drdrill.manifest.ManifestLoader;
import io.drdrill.testsupport.TestBundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The sample bundle in {@code data/dr/} carries provenance signed by the key next to it. */
class SampleBundleProvenanceTest {

    private static final Path SAMPLE = Path.of("data/dr").toAbsolutePath();

    @TempDir
    Path tempDir;

    private final ProvenanceCheck check = new ProvenanceCheck();

    @Test
    void sampleProvenanceIsSignedByItsTrustedKey() throws IOException {
        // Given the sample manifest, which trusts provenance-signer.pub.pem and requires a signature
        Manifest manifest = new ManifestLoader().load(SAMPLE.resolve("manifest.json"));
        assertThat(manifest.provenance().trustedKeys()).containsExactly(SAMPLE.resolve("provenance-signer.pub.pem"));
        assertThat(manifest.provenance().requireSignature()).isTrue();
        assertThat(TestBundle.sha256(manifest.backup().path())).isEqualTo(manifest.backup().sha256());

        // When its provenance is validated against the backup digest
        StepResult outcome = check.verify(manifest.provenance(), manifest.backup().sha256());

        // Then the signature verifies under the shipped public key, whose fingerprint is the envelope's keyid
        String fingerprint = TrustedKeys.load(SAMPLE.resolve("provenance-signer.pub.pem")).get(0).fingerprint();
        assertThat(outcome.facts())
                .containsEntry("provenance_signature_status", "verified")
                .containsEntry("provenance_builder_id", "https://drdrill.io/backup-runner@v1");
        assertThat(Signing.signatureFacts(outcome)).singleElement().satisfies(s -> assertThat(s)
                .containsEntry("keyid", fingerprint)
                .containsEntry("key_fingerprint", fingerprint)
                .containsEntry("verified", true));
    }

    @Test
    void sampleShipsNoPrivateKey() throws IOException {
        // Given the files of the sample bundles (data/dr and its PostgreSQL sample) / When they are read
        // Then none holds a private key
        try (Stream<Path> files = Files.walk(SAMPLE)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1))
                        .as(file.toString()).doesNotContain("PRIVATE KEY");
            }
        }
    }

    @Test
    void envelopeResignedByAnUntrustedKeyFails() throws IOException {
        // Given a copy of the sample whose envelope (same payload) is signed by a freshly generated key instead
        Path copy = copySample();
        Path provenance = copy.resolve("provenance.dsse.json");
        ObjectNode envelope = Signing.readEnvelope(provenance);
        envelope.putArray("signatures");
        KeyPair stranger = Signing.ecP256();
        Signing.addSignature(envelope, stranger.getPrivate(), TrustedKeys.fingerprint(stranger.getPublic()));
        Signing.writeJson(provenance, envelope);
        Manifest manifest = new ManifestLoader().load(copy.resolve("manifest.json"));

        // When / Then it is not signed by a trusted key
        assertThatThrownBy(() -> check.verify(manifest.provenance(), manifest.backup().sha256()))
                .isInstanceOf(DrDrillError.class)
                .hasMessageStartingWith("no trusted provenance for digest sha256:" + manifest.backup().sha256()
                        + ": record 0 names the backup but is not signed by a trusted key: signature 0 (keyid "
                        + TrustedKeys.fingerprint(stranger.getPublic()) + "): does not verify under any trusted key");
    }

    @Test
    void strangerSignatureIsAcceptedOnlyWhenItsKeyIsTrusted() throws IOException {
        // Given the re-signed copy and the stranger's public key added to the trusted keys
        Path copy = copySample();
        Path provenance = copy.resolve("provenance.dsse.json");
        KeyPair stranger = Signing.ecP256();
        ObjectNode envelope = Signing.readEnvelope(provenance);
        envelope.putArray("signatures");
        Signing.writeJson(provenance, Signing.addSignature(envelope, stranger.getPrivate(), "stranger"));
        Path strangerKey = Signing.writePublicKey(copy.resolve("stranger.pub.pem"), stranger.getPublic());
        Manifest manifest = new ManifestLoader().load(copy.resolve("manifest.json"));
        Manifest.Provenance settings = new Manifest.Provenance(provenance,
                List.of(manifest.provenance().trustedKeys().get(0), strangerKey), true,
                manifest.provenance().expectedBuilderIds(), List.of());

        // When / Then it verifies under that key
        assertThat(check.verify(settings, manifest.backup().sha256()).notes())
                .contains("signed by trusted key " + TrustedKeys.fingerprint(stranger.getPublic()));
    }

    private Path copySample() throws IOException {
        Path copy = tempDir.resolve("dr");
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(SAMPLE)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.copy(file, copy.resolve(file.getFileName()));
            }
        }
        return copy;
    }
}
