package io.drdrill.supplychain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drdrill.step.DrDrillError;
import io.drdrill.step.StepResult;
import io.drdrill.manifest.Manifest;
import io.drdrill.testsupport.TestBundle;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static io.drdrill.testsupport.TestBundle.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Provenance written by Google Cloud Build and GitHub Actions (Sigstore), copied from slsa-verifier's test data. */
class RealWorldProvenanceTest {

    private static final String DIR = "real-world/slsa-verifier/";
    private static final Path WORKER_KEY = Signing.resource(DIR + "gcb/keys/global-pae-google-hosted-worker_1.key");
    private static final Path SIGNER_KEY = Signing.resource(DIR + "gcb/keys/global-pae-provenanceSigner_1.key");

    @TempDir
    Path tempDir;

    private final ProvenanceCheck check = new ProvenanceCheck();

    private static Manifest.Provenance trusting(Path provenance, Path... keys) {
        return new Manifest.Provenance(provenance, List.of(keys), true, List.of(), List.of());
    }

    @Nested
    class GoogleCloudBuild {

        private static final String V1_DIGEST = "7e9b6e7ba2842c91cf49f3e214d04a7a496f8214356f41d81a6e6dcad11f11e3";
        private static final String V03_DIGEST = "87db6d5226440e72f7134b71163df45282127a3f7b0600c946683cb2f43a70a9";
        private final Path v1 = Signing.resource(DIR + "gcb/v1.0-envelope.dsse.json");
        private final Path v03 = Signing.resource(DIR + "gcb/v0.3-envelope.dsse.json");

        @Test
        void v1EnvelopeVerifiesWithTheHostedWorkerKey() {
            // Given the GCB SLSA v1 envelope and Google's hosted-worker key trusted, its builder expected
            Manifest.Provenance settings = new Manifest.Provenance(v1, List.of(WORKER_KEY), true,
                    List.of("https://cloudbuild.googleapis.com/GoogleHostedWorker"),
                    List.of("https://slsa.dev/provenance/v1"));

            // When it is validated
            StepResult outcome = check.verify(settings, V1_DIGEST);

            // Then its (base64url, DER) ECDSA P-256 signature verifies
            assertThat(outcome.facts())
                    .containsEntry("provenance_container", "dsse")
                    .containsEntry("provenance_statement_type", "https://in-toto.io/Statement/v1")
                    .containsEntry("provenance_predicate_type", "https://slsa.dev/provenance/v1")
                    .containsEntry("provenance_builder_id", "https://cloudbuild.googleapis.com/GoogleHostedWorker")
                    .containsEntry("provenance_signature_status", "verified");
            assertThat(Signing.signatureFacts(outcome)).singleElement().satisfies(s -> assertThat(s)
                    .containsEntry("verified", true)
                    .containsEntry("algorithm", "ECDSA P-256 SHA-256")
                    .containsEntry("keyid", "projects/verified-…gle-hosted-worker/cryptoKeyVersions/1"));
            assertThat(outcome.notes()).contains("(ECDSA P-256, global-pae-google-hosted-worker_1.key)");
        }

        @Test
        void v1EnvelopeFailsWithTheOtherKey() {
            // Given the v1 envelope and only the provenanceSigner key trusted
            // When / Then it is not signed by a trusted key
            assertThatThrownBy(() -> check.verify(trusting(v1, SIGNER_KEY), V1_DIGEST))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("record 0 names the backup but is not signed by a trusted key: signature 0 "
                            + "(keyid projects/verified-builder/locations/global/keyRings/attestor/cryptoKeys/"
                            + "google-hosted-worker/cryptoKeyVersions/1): does not verify under any trusted key ("
                            + TrustedKeys.load(SIGNER_KEY).get(0).fingerprint() + ")");
        }

        @Test
        void v03EnvelopePassesOnItsFirstSignatureOnly() {
            // Given the GCB v0.3 envelope (SLSA v0.1): signature 0 by provenanceSigner over the PAE, signature 1
            // by a regional key over the raw payload
            // When it is validated trusting provenanceSigner
            StepResult outcome = check.verify(trusting(v03, SIGNER_KEY), V03_DIGEST);

            // Then signature 0 verified and signature 1 did not
            assertThat(outcome.facts())
                    .containsEntry("provenance_statement_type", "https://in-toto.io/Statement/v0.1")
                    .containsEntry("provenance_predicate_type", "https://slsa.dev/provenance/v0.1")
                    .containsEntry("provenance_builder_id", "https://cloudbuild.googleapis.com/GoogleHostedWorker@v0.3")
                    .containsEntry("provenance_signature_count", 2);
            List<Map<String, Object>> signatures = Signing.signatureFacts(outcome);
            assertThat(signatures.get(0)).containsEntry("verified", true)
                    .containsEntry("key_fingerprint", TrustedKeys.load(SIGNER_KEY).get(0).fingerprint());
            assertThat(signatures.get(1)).containsEntry("verified", false)
                    .containsEntry("reason", "does not verify under any trusted key");
        }

        @Test
        void v03EnvelopeWithoutItsPaeSignatureFailsWhateverKeysAreTrusted() throws IOException {
            // Given the v0.3 envelope with signature 0 removed: only the raw-payload signature is left
            ObjectNode envelope = Signing.readEnvelope(v03);
            ((ArrayNode) envelope.get("signatures")).remove(0);
            Path stripped = Signing.writeJson(tempDir.resolve("v0.3-without-signature-0.json"), envelope);

            // When / Then it fails with every key we have trusted
            assertThatThrownBy(() -> check.verify(trusting(stripped, SIGNER_KEY, WORKER_KEY), V03_DIGEST))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("names the backup but is not signed by a trusted key: signature 0 (keyid "
                            + "projects/verified-builder/locations/us-west2/keyRings/attestor/cryptoKeys/builtByGCB/"
                            + "cryptoKeyVersions/1): does not verify under any trusted key");
        }

        @Test
        void v03EnvelopeFailsWithTheWorkerKey() {
            // Given the v0.3 envelope and only the hosted-worker key trusted / When / Then it fails
            assertThatThrownBy(() -> check.verify(trusting(v03, WORKER_KEY), V03_DIGEST))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("is not signed by a trusted key: signature 0 (keyid ")
                    .hasMessageContaining("; signature 1 (keyid ");
        }
    }

    @Nested
    class SigstoreBundles {

        private static final String BCR_DIGEST = "1636f443b01c9ee310ee5834956d0dce374c3d3bf8d4cebc9f6b86f8304b4982";
        private static final String GRADLE_DIGEST = "adcaa9e6a70f00167630b1fd03279b5a0514c9645e02956907231be1732a0a14";
        private final Path bcr = Signing.resource(DIR + "bcr/rules_lint-v1.3.1.tar.gz.intoto.jsonl");
        private final Path gradle = Signing.resource(DIR + "gha_gradle/binary-linux-amd64-workflow_dispatch.build.slsa");

        @Test
        void bcrBundleIsReadAndMatchedWithoutKeys() throws IOException {
            // Given the real release artifact and its Sigstore bundle v0.3 (keyless)
            String digest = TestBundle.sha256(Signing.resource(DIR + "bcr/rules_lint-v1.3.1.tar.gz"));
            assertThat(digest).isEqualTo(BCR_DIGEST);

            // When it is validated without trusted keys
            StepResult outcome = check.verify(bcr, digest);

            // Then the bundle matches and its signature is not checked
            assertThat(outcome.facts())
                    .containsEntry("provenance_records", 1)
                    .containsEntry("provenance_container", "sigstore-bundle v0.3")
                    .containsEntry("provenance_statement_type", "https://in-toto.io/Statement/v1")
                    .containsEntry("provenance_predicate_type", "https://slsa.dev/provenance/v1")
                    .containsEntry("provenance_builder_id", "https://github.com/bazel-contrib/.github/.github/"
                            + "workflows/release_ruleset.yaml@refs/tags/v7.1.0")
                    .containsEntry("provenance_signature_status", "not checked (no trusted keys)");
            assertThat(outcome.notes()).contains("signatures not checked (no trusted keys); the bundle's keyless "
                    + "Sigstore certificate is not verified");
        }

        @Test
        void bcrSignatureVerifiesOverThePaeWithTheBundleCertificateTrusted() throws IOException {
            // Given the bundle's own (Fulcio) signing certificate written as PEM and trusted
            JsonNode bundle = JSON.readTree(bcr.toFile());
            Path certificate = certificate(bundle.at("/verificationMaterial/certificate/rawBytes").asText(), "bcr.crt");

            // When it is validated
            StepResult outcome = check.verify(trusting(bcr, certificate), BCR_DIGEST);

            // Then the certificate's P-256 key verifies the DSSE signature over the PAE
            assertThat(outcome.facts()).containsEntry("provenance_signature_status", "verified");
            assertThat(Signing.signatureFacts(outcome).get(0))
                    .containsEntry("keyid", "")
                    .containsEntry("algorithm", "ECDSA P-256 SHA-256");
        }

        @Test
        void bcrCertificateDoesNotVerifyTheGcbEnvelope() throws IOException {
            // Given the bcr certificate trusted for an envelope it did not sign
            JsonNode bundle = JSON.readTree(bcr.toFile());
            Path certificate = certificate(bundle.at("/verificationMaterial/certificate/rawBytes").asText(), "bcr.crt");
            Path gcb = Signing.resource(DIR + "gcb/v1.0-envelope.dsse.json");

            // When / Then it fails
            assertThatThrownBy(() -> check.verify(trusting(gcb, certificate), GoogleCloudBuild.V1_DIGEST))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("is not signed by a trusted key");
        }

        @Test
        void gradleBundleIsParsedAndMatched() throws IOException {
            // Given the real binary and its Sigstore bundle v0.2 (Statement v0.1, SLSA provenance v1)
            String digest = TestBundle.sha256(Signing.resource(DIR + "gha_gradle/binary-linux-amd64-workflow_dispatch"));
            assertThat(digest).isEqualTo(GRADLE_DIGEST);

            // When it is validated without trusted keys
            StepResult outcome = check.verify(gradle, digest);

            // Then it matches, with its builder
            assertThat(outcome.facts())
                    .containsEntry("provenance_matched_record", 0)
                    .containsEntry("provenance_container", "sigstore-bundle v0.2")
                    .containsEntry("provenance_statement_type", "https://in-toto.io/Statement/v0.1")
                    .containsEntry("provenance_predicate_type", "https://slsa.dev/provenance/v1")
                    .containsEntry("provenance_builder_id", "https://github.com/slsa-framework/slsa-github-generator/"
                            + ".github/workflows/builder_gradle_slsa3.yml@refs/tags/v2.1.0");
        }

        @Test
        void gradleSignatureVerifiesWithItsChainCertificateTrusted() throws IOException {
            // Given the leaf of the bundle's x509CertificateChain written as PEM and trusted
            JsonNode bundle = JSON.readTree(gradle.toFile());
            Path certificate = certificate(bundle.at("/verificationMaterial/x509CertificateChain/certificates/0/rawBytes")
                    .asText(), "gradle.crt");

            // When / Then its signature verifies over the PAE
            assertThat(check.verify(trusting(gradle, certificate), GRADLE_DIGEST).facts())
                    .containsEntry("provenance_signature_status", "verified");
        }

        @Test
        void bundlesAndEnvelopesFromDifferentToolsMixInJsonLines() throws IOException {
            // Given JSON lines holding the GCB v0.3 envelope, the bcr bundle and the gradle bundle
            Path mixed = tempDir.resolve("mixed.intoto.jsonl");
            Files.writeString(mixed, JSON.writeValueAsString(JSON.readTree(
                    Signing.resource(DIR + "gcb/v0.3-envelope.dsse.json").toFile())) + "\n"
                    + Files.readString(bcr).strip() + "\n" + Files.readString(gradle).strip() + "\n");

            // When each digest is validated / Then each finds its own record
            assertThat(check.verify(mixed, GRADLE_DIGEST).facts())
                    .containsEntry("provenance_records", 3)
                    .containsEntry("provenance_matched_record", 2)
                    .containsEntry("provenance_container", "sigstore-bundle v0.2");
            assertThat(check.verify(trusting(mixed, SIGNER_KEY), GoogleCloudBuild.V03_DIGEST).facts())
                    .containsEntry("provenance_matched_record", 0)
                    .containsEntry("provenance_signature_status", "verified");
        }

        private Path certificate(String rawBytes, String name) throws IOException {
            assertThat(rawBytes).isNotEmpty();
            Path file = tempDir.resolve(name);
            Files.writeString(file, Signing.pem("CERTIFICATE", Base64.getDecoder().decode(rawBytes)));
            return file;
        }
    }
}
