package io.drdrill.supplychain;

import io.drdrill.testsupport.TestFiles;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import static io.drdrill.testsupport.TestBundle.JSON;
import static io.drdrill.testsupport.TestBundle.dsseEnvelope;
import static io.drdrill.testsupport.TestBundle.statement;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

class ProvenanceCheckTest {

    private static final String DIGEST = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";
    private static final String OTHER = "b5bb9d8014a0f9b1d61e21e796d78dccdf1352f23cd32812f4850b878ae4944c";

    @TempDir
    Path tempDir;

    private Path file(String name, String content) throws IOException {
        return TestFiles.text(tempDir, name, content);
    }

    private Path json(String name, JsonNode content) throws IOException {
        return TestFiles.json(tempDir, name, content);
    }

    @Nested
    class Provenance {

        private final ProvenanceCheck check = new ProvenanceCheck();

        private String jsonText(JsonNode node) throws IOException {
            return JSON.writeValueAsString(node);
        }

        @Test
        void aProvenanceFileOverFourMiBIsRefusedInOneLine() throws IOException {
            // Given an envelope naming the digest, followed by blank lines past 4 MiB
            String envelope = jsonText(dsseEnvelope(TestBundle.IN_TOTO_PAYLOAD_TYPE,
                    JSON.writeValueAsBytes(statement("backup.json", DIGEST))));
            Path provenance = file("provenance.jsonl",
                    envelope + "\n".repeat((int) ProvenanceCheck.MAX_PROVENANCE_BYTES));

            // When / Then it is refused before it is parsed, naming the bound
            assertThatThrownBy(() -> check.verify(new Manifest.Provenance(provenance, List.of(), false, List.of(),
                    List.of()), DIGEST)).isInstanceOf(DrDrillError.class)
                    .hasMessageStartingWith("provenance " + provenance + " is larger than 4 MiB (")
                    .hasMessageNotContaining("\n");
        }

        @Test
        void singleEnvelopeNamingTheDigestPasses() throws IOException {
            // Given one DSSE envelope whose Statement names the backup digest
            Path provenance = json("provenance.json", dsseEnvelope("backup.json", DIGEST));

            // When it is validated
            StepResult outcome = check.verify(provenance, DIGEST);

            // Then it passes, matching record 0 of 1, with signatures not checked (no trusted keys)
            assertThat(outcome.facts()).containsExactly(
                    entry("provenance_records", 1),
                    entry("provenance_matched_record", 0),
                    entry("provenance_container", "dsse"),
                    entry("provenance_statement_type", TestBundle.STATEMENT_V1),
                    entry("provenance_predicate_type", TestBundle.SLSA_PROVENANCE_V1),
                    entry("provenance_builder_id", ""),
                    entry("provenance_signature_status", "not checked (no trusted keys)"),
                    entry("provenance_signature_count", 0),
                    entry("provenance_signatures", List.of()));
            assertThat(outcome.notes()).isEqualTo("1 record(s); record 0 names the backup digest (dsse, "
                    + "SLSA provenance v1); signatures not checked (no trusted keys)");
        }

        @Test
        void bundleProvenancePasses() {
            // Given the provenance written by the shared bundle builder
            TestBundle bundle = TestBundle.create(tempDir.resolve("bundle")).write();

            // When / Then it names the bundle's backup digest
            assertThat(check.verify(bundle.provenancePath(), bundle.backupSha256()).facts())
                    .containsEntry("provenance_matched_record", 0);
        }

        @Test
        void jsonArrayWhereTheSecondEnvelopeMatches() throws IOException {
            // Given a JSON array of two envelopes, only the second naming the digest
            ArrayNode array = JSON.createArrayNode();
            array.add(dsseEnvelope("other.json", OTHER));
            array.add(dsseEnvelope("backup.json", DIGEST));
            Path provenance = json("provenance.json", array);

            // When it is validated
            StepResult outcome = check.verify(provenance, DIGEST);

            // Then record 1 of 2 matched
            assertThat(outcome.facts())
                    .containsEntry("provenance_records", 2)
                    .containsEntry("provenance_matched_record", 1);
        }

        @Test
        void jsonArrayWithAnInvalidRecordBeforeTheMatchStillPasses() throws IOException {
            // Given an array whose first record is not an envelope at all
            ArrayNode array = JSON.createArrayNode();
            array.add(42);
            array.add(JSON.createObjectNode().put("hello", "world"));
            array.add(dsseEnvelope("backup.json", DIGEST));
            Path provenance = json("provenance.json", array);

            // When / Then the third record matches
            assertThat(check.verify(provenance, DIGEST).facts())
                    .containsEntry("provenance_records", 3)
                    .containsEntry("provenance_matched_record", 2);
        }

        @Test
        void jsonLinesWhereTheFirstLineMatches() throws IOException {
            // Given JSON lines whose first line names the digest
            Path provenance = file("provenance.intoto.jsonl",
                    jsonText(dsseEnvelope("backup.json", DIGEST)) + "\n"
                            + jsonText(dsseEnvelope("other.json", OTHER)) + "\n");

            // When / Then it passes on record 0
            assertThat(check.verify(provenance, DIGEST).facts()).containsEntry("provenance_matched_record", 0);
        }

        @Test
        void jsonLinesWhereTheSecondLineMatches() throws IOException {
            // Given JSON lines (CRLF separated, with a blank line) where only the second envelope names the digest
            Path provenance = file("provenance.intoto.jsonl",
                    jsonText(dsseEnvelope("other.json", OTHER)) + "\r\n\r\n"
                            + jsonText(dsseEnvelope("backup.json", DIGEST)) + "\r\n");

            // When it is validated
            StepResult outcome = check.verify(provenance, DIGEST);

            // Then the second record matched, of two
            assertThat(outcome.facts())
                    .containsEntry("provenance_records", 2)
                    .containsEntry("provenance_matched_record", 1);
        }

        @Test
        void sigstoreBundleWithDsseEnvelopePasses() throws IOException {
            // Given a Sigstore bundle whose dsseEnvelope names the digest
            ObjectNode bundle = JSON.createObjectNode();
            bundle.put("mediaType", "application/vnd.dev.sigstore.bundle.v0.3+json");
            bundle.putObject("verificationMaterial").putArray("tlogEntries");
            bundle.set("dsseEnvelope", dsseEnvelope("backup.json", DIGEST));
            Path provenance = json("provenance.sigstore.json", bundle);

            // When / Then it passes
            assertThat(check.verify(provenance, DIGEST).facts())
                    .containsEntry("provenance_records", 1)
                    .containsEntry("provenance_matched_record", 0);
        }

        @Test
        void urlSafeUnpaddedBase64PayloadPasses() throws IOException {
            // Given a Statement whose standard base64 holds '+' or '/' (forced with '?' and '>' characters)
            ObjectNode statement = statement("backup.json", DIGEST);
            String standard = "";
            for (int pad = 0; pad < 16; pad++) {
                ((ObjectNode) statement.get("predicate")).put("note", "???>>>~~~" + "?".repeat(pad));
                standard = Base64.getEncoder().encodeToString(JSON.writeValueAsBytes(statement));
                if ((standard.contains("+") || standard.contains("/")) && standard.endsWith("=")) {
                    break;
                }
            }
            String urlSafe = Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(JSON.writeValueAsBytes(statement));
            assertThat(urlSafe).containsAnyOf("-", "_").doesNotContain("=");
            Path provenance = json("provenance.json",
                    TestBundle.dsseEnvelopeWithRawPayload(TestBundle.IN_TOTO_PAYLOAD_TYPE, urlSafe));

            // When / Then it passes
            assertThat(check.verify(provenance, DIGEST).facts()).containsEntry("provenance_matched_record", 0);
        }

        @Test
        void uppercaseDigestInSubjectMatches() throws IOException {
            // Given a subject digest in upper case
            Path provenance = json("provenance.json",
                    dsseEnvelope("backup.json", DIGEST.toUpperCase(Locale.ROOT)));

            // When / Then it matches the lower-case manifest digest
            assertThat(check.verify(provenance, DIGEST).facts()).containsEntry("provenance_matched_record", 0);
        }

        @Test
        void secondSubjectOfAStatementMatches() throws IOException {
            // Given a Statement with two subjects, the second naming the digest
            ObjectNode statement = statement("other.json", OTHER);
            ObjectNode second = ((ArrayNode) statement.get("subject")).addObject();
            second.put("name", "backup.json");
            second.putObject("digest").put("sha512", "ab").put("sha256", DIGEST);
            Path provenance = json("provenance.json", dsseEnvelope(statement));

            // When / Then it passes
            assertThat(check.verify(provenance, DIGEST).facts()).containsEntry("provenance_records", 1);
        }

        @Test
        void noMatchingEnvelopeFails() throws IOException {
            // Given two envelopes, neither naming the digest
            ArrayNode array = JSON.createArrayNode();
            array.add(dsseEnvelope("a.json", OTHER));
            array.add(dsseEnvelope("b.json", "0".repeat(64)));
            Path provenance = json("provenance.json", array);

            // When / Then validation fails naming the digest and each rejected record
            assertThatThrownBy(() -> check.verify(provenance, DIGEST))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageStartingWith("no provenance envelope matched digest sha256:" + DIGEST)
                    .hasMessageContaining("2 record(s) read")
                    .hasMessageContaining("record 0: no subject with sha256:" + DIGEST)
                    .hasMessageContaining("record 1: no subject");
        }

        @Test
        void manyRejectedRecordsAreAbbreviated() throws IOException {
            // Given 7 envelopes naming another digest
            ArrayNode array = JSON.createArrayNode();
            for (int i = 0; i < 7; i++) {
                array.add(dsseEnvelope("a" + i + ".json", OTHER));
            }
            Path provenance = json("provenance.json", array);

            // When / Then only 5 reasons are listed
            assertThatThrownBy(() -> check.verify(provenance, DIGEST))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("7 record(s) read")
                    .hasMessageContaining("record 4:")
                    .hasMessageNotContaining("record 5:")
                    .hasMessageEndingWith("; ...)");
        }

        @Test
        void digestMustMatchExactlyNotAsAPrefix() throws IOException {
            // Given a subject naming the digest with a prefix
            Path provenance = json("provenance.json", dsseEnvelope("backup.json", "sha256:" + DIGEST));

            // When / Then it does not match
            assertThatThrownBy(() -> check.verify(provenance, DIGEST))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageStartingWith("no provenance envelope matched digest sha256:");
        }

        @ParameterizedTest
        @ValueSource(strings = {"application/json", "application/vnd.in-toto+json; charset=utf-8",
                "APPLICATION/VND.IN-TOTO+JSON", ""})
        void wrongPayloadTypeFails(String payloadType) throws IOException {
            // Given an envelope whose payload names the digest but whose payloadType is not in-toto
            ObjectNode envelope = TestBundle.dsseEnvelope(payloadType,
                    JSON.writeValueAsBytes(statement("backup.json", DIGEST)));
            Path provenance = json("provenance.json", envelope);

            // When / Then validation fails explaining the payloadType
            assertThatThrownBy(() -> check.verify(provenance, DIGEST))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageStartingWith("no provenance envelope matched digest sha256:" + DIGEST)
                    .hasMessageContaining("payloadType is '" + payloadType + "'");
        }

        @Test
        void payloadThatIsNotAStatementFails() throws IOException {
            // Given an in-toto envelope whose payload JSON is not a Statement
            ObjectNode notAStatement = statement("https://example.com/Other/v1", "backup.json", DIGEST);
            Path provenance = json("provenance.json", dsseEnvelope(notAStatement));

            // When / Then validation fails
            assertThatThrownBy(() -> check.verify(provenance, DIGEST))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageStartingWith("no provenance envelope matched digest sha256:")
                    .hasMessageContaining("not an in-toto Statement");
        }

        @Test
        void statementWithoutSubjectArrayFails() throws IOException {
            // Given a Statement whose subject is an object
            ObjectNode statement = statement("backup.json", DIGEST);
            statement.set("subject", statement.withArray("subject").get(0));
            Path provenance = json("provenance.json", dsseEnvelope(statement));

            // When / Then validation fails
            assertThatThrownBy(() -> check.verify(provenance, DIGEST))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("no subject array");
        }

        @Test
        void payloadThatIsNotJsonFails() throws IOException {
            // Given an in-toto envelope whose payload is base64 of plain text
            Path provenance = json("provenance.json", TestBundle.dsseEnvelope(TestBundle.IN_TOTO_PAYLOAD_TYPE,
                    "definitely { not json".getBytes(StandardCharsets.UTF_8)));

            // When / Then validation fails
            assertThatThrownBy(() -> check.verify(provenance, DIGEST))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("payload is not JSON");
        }

        @Test
        void payloadThatIsNotBase64Fails() throws IOException {
            // Given an envelope whose payload is not base64 at all
            Path provenance = json("provenance.json",
                    TestBundle.dsseEnvelopeWithRawPayload(TestBundle.IN_TOTO_PAYLOAD_TYPE, "%%% not base64 %%%"));

            // When / Then validation fails
            assertThatThrownBy(() -> check.verify(provenance, DIGEST))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("payload is not valid base64");
        }

        @Test
        void envelopeWithoutPayloadFails() throws IOException {
            // Given an object that is not a DSSE envelope (the Statement itself, unwrapped)
            Path provenance = json("provenance.json", statement("backup.json", DIGEST));

            // When / Then validation fails
            assertThatThrownBy(() -> check.verify(provenance, DIGEST))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("not a DSSE envelope");
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "   \n\n", "[]"})
        void emptyFileFails(String content) throws IOException {
            // Given an empty provenance file (or an empty array)
            Path provenance = file("provenance.json", content);

            // When / Then validation fails
            assertThatThrownBy(() -> check.verify(provenance, DIGEST))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("holds no DSSE envelope");
        }

        @Test
        void garbageFails() throws IOException {
            // Given a file that is neither JSON nor JSON lines
            Path provenance = file("provenance.json", "this is not provenance\n");

            // When / Then validation fails
            assertThatThrownBy(() -> check.verify(provenance, DIGEST))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("neither JSON nor JSON lines")
                    .hasMessageContaining("line 1");
        }

        @Test
        void missingFileFails() {
            // Given no provenance
            Path missing = tempDir.resolve("missing.json");

            // When / Then validation fails
            assertThatThrownBy(() -> check.verify(missing, DIGEST))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("provenance")
                    .hasMessageContaining("does not exist");
        }

        @Test
        void statementV01IsAccepted() throws IOException {
            // Given an in-toto v0.1 Statement (with a v0.2 SLSA predicate type)
            ObjectNode statement = statement(TestBundle.STATEMENT_V01, "backup.json", DIGEST);
            statement.put("predicateType", "https://slsa.dev/provenance/v0.2");
            Path provenance = json("provenance.json", dsseEnvelope(statement));

            // When it is validated
            StepResult outcome = check.verify(provenance, DIGEST);

            // Then it passes and records the predicate type
            assertThat(outcome.facts()).containsEntry("provenance_predicate_type", "https://slsa.dev/provenance/v0.2");
        }

        @Test
        void signaturesAreNotRequired() throws IOException {
            // Given an envelope with signatures: [] (as built by the test helper)
            ObjectNode envelope = dsseEnvelope("backup.json", DIGEST);
            assertThat(envelope.get("signatures").isEmpty()).isTrue();

            // When / Then it passes
            assertThat(check.verify(json("p.json", envelope), DIGEST).facts()).containsKey("provenance_records");
        }

        @Test
        void rejectionReasonsAreListedPerRecord() throws IOException {
            // Given an array mixing a wrong payload type, a non-Statement and a non-matching Statement
            ArrayNode array = JSON.createArrayNode();
            array.add(TestBundle.dsseEnvelope("text/plain", "x".getBytes(StandardCharsets.UTF_8)));
            array.add(dsseEnvelope(statement("nope", "backup.json", DIGEST)));
            array.add(dsseEnvelope("backup.json", OTHER));
            Path provenance = json("provenance.json", array);

            // When / Then each reason is listed in order
            assertThatThrownBy(() -> check.verify(provenance, DIGEST))
                    .isInstanceOf(DrDrillError.class)
                    .satisfies(e -> assertThat(List.of(e.getMessage().split("; ")).stream()
                            .filter(s -> s.contains("record "))
                            .map(s -> s.replaceAll(".*(record \\d).*", "$1"))
                            .collect(Collectors.toList()))
                            .containsExactly("record 0", "record 1", "record 2"))
                    .hasMessageContaining("record 0: payloadType is 'text/plain'")
                    .hasMessageContaining("record 1: payload is not an in-toto Statement (_type 'nope')")
                    .hasMessageContaining("record 2: no subject with sha256:" + DIGEST);
        }
    }

    private static final String BUILDER = "https://drdrill.io/test-builder@v1";

    private static Manifest.Provenance rules(Path file, List<String> builders, List<String> predicateTypes) {
        return new Manifest.Provenance(file, List.of(), false, builders, predicateTypes);
    }

    private static Manifest.Provenance keys(Path file, boolean requireSignature, Path... trustedKeys) {
        return new Manifest.Provenance(file, List.of(trustedKeys), requireSignature, List.of(), List.of());
    }

    /** A v1 Statement naming {@code digest} whose SLSA v1 predicate names {@code builderId}. */
    private static ObjectNode slsaV1(String digest, String builderId) {
        ObjectNode statement = statement("backup.json", digest);
        ((ObjectNode) statement.get("predicate")).putObject("runDetails").putObject("builder").put("id", builderId);
        return statement;
    }

    /** A v0.1 Statement naming {@code digest} with a SLSA v0.x predicate naming {@code builderId}. */
    private static ObjectNode slsaV0(String version, String digest, String builderId) {
        ObjectNode statement = statement(TestBundle.STATEMENT_V01, "backup.json", digest);
        statement.put("predicateType", "https://slsa.dev/provenance/" + version);
        ((ObjectNode) statement.get("predicate")).putObject("builder").put("id", builderId);
        return statement;
    }

    private static ObjectNode bundle(String mediaType, ObjectNode envelope) {
        ObjectNode bundle = JSON.createObjectNode();
        if (mediaType != null) {
            bundle.put("mediaType", mediaType);
        }
        bundle.putObject("verificationMaterial").putObject("publicKey").put("hint", "test");
        bundle.set("dsseEnvelope", envelope);
        return bundle;
    }

    @Nested
    class Containers {

        private final ProvenanceCheck check = new ProvenanceCheck();

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
                "application/vnd.dev.sigstore.bundle+json;version=0.1 | sigstore-bundle v0.1",
                "application/vnd.dev.sigstore.bundle+json;version=0.2 | sigstore-bundle v0.2",
                "application/vnd.dev.sigstore.bundle+json;version=0.3 | sigstore-bundle v0.3",
                "application/vnd.dev.sigstore.bundle.v0.3+json        | sigstore-bundle v0.3"})
        void sigstoreBundleVersionsAreRecognised(String mediaType, String container) throws IOException {
            // Given a Sigstore bundle of that version carrying an envelope naming the digest
            Path provenance = json("p.sigstore.json", bundle(mediaType, dsseEnvelope("backup.json", DIGEST)));

            // When it is validated
            StepResult outcome = check.verify(provenance, DIGEST);

            // Then the container is reported
            assertThat(outcome.facts()).containsEntry("provenance_container", container);
            assertThat(outcome.notes()).contains("(" + container + ", SLSA provenance v1)");
        }

        @ParameterizedTest
        @ValueSource(strings = {"application/vnd.dev.sigstore.bundle+json;version=0.4",
                "application/vnd.dev.sigstore.bundle.v0.4+json", "application/vnd.dev.sigstore.bundle+json"})
        void unknownBundleVersionFails(String mediaType) throws IOException {
            // Given a bundle whose mediaType names no version this drill knows
            Path provenance = json("p.json", bundle(mediaType, dsseEnvelope("backup.json", DIGEST)));

            // When / Then it is not read as a match
            assertThatThrownBy(() -> check.verify(provenance, DIGEST))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("record 0: unsupported Sigstore bundle mediaType '" + mediaType + "'");
        }

        @Test
        void dsseEnvelopeWithoutBundleMediaTypeFails() throws IOException {
            // Given an object with a dsseEnvelope but no mediaType
            Path provenance = json("p.json", bundle(null, dsseEnvelope("backup.json", DIGEST)));

            // When / Then it fails
            assertThatThrownBy(() -> check.verify(provenance, DIGEST))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("has a dsseEnvelope but no Sigstore bundle mediaType");
        }

        @Test
        void messageSignatureBundleFails() throws IOException {
            // Given a v0.3 bundle that signs a file (messageSignature), not a Statement
            ObjectNode bundle = JSON.createObjectNode();
            bundle.put("mediaType", "application/vnd.dev.sigstore.bundle.v0.3+json");
            bundle.putObject("messageSignature").put("signature", "AAAA");
            Path provenance = json("p.json", bundle);

            // When / Then it fails saying there is no envelope
            assertThatThrownBy(() -> check.verify(provenance, DIGEST))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("record 0: sigstore-bundle v0.3 holds no dsseEnvelope");
        }

        @Test
        void jsonLinesMayMixEnvelopesAndBundles() throws IOException {
            // Given JSON lines: a bare envelope about another artifact, then a v0.2 bundle about the backup
            Path provenance = file("p.intoto.jsonl",
                    jsonText(dsseEnvelope("other.json", OTHER)) + "\n"
                            + jsonText(bundle("application/vnd.dev.sigstore.bundle+json;version=0.2",
                            dsseEnvelope("backup.json", DIGEST))) + "\n");

            // When it is validated
            StepResult outcome = check.verify(provenance, DIGEST);

            // Then the bundle on line 2 is the match
            assertThat(outcome.facts())
                    .containsEntry("provenance_records", 2)
                    .containsEntry("provenance_matched_record", 1)
                    .containsEntry("provenance_container", "sigstore-bundle v0.2");
        }

        @Test
        void statementWithoutPredicateTypeFails() throws IOException {
            // Given a Statement without predicateType
            ObjectNode statement = statement("backup.json", DIGEST);
            statement.remove("predicateType");
            Path provenance = json("p.json", dsseEnvelope(statement));

            // When / Then it fails
            assertThatThrownBy(() -> check.verify(provenance, DIGEST))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("record 0: Statement has no predicateType");
        }

        @Test
        void signaturesThatAreNotAnArrayFail() throws IOException {
            // Given an envelope whose signatures is an object
            ObjectNode envelope = dsseEnvelope("backup.json", DIGEST);
            envelope.putObject("signatures");
            Path provenance = json("p.json", envelope);

            // When / Then it fails
            assertThatThrownBy(() -> check.verify(provenance, DIGEST))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("signatures is not an array");
        }

        private String jsonText(JsonNode node) throws IOException {
            return JSON.writeValueAsString(node);
        }
    }

    @Nested
    class PredicateRules {

        private final ProvenanceCheck check = new ProvenanceCheck();

        @Test
        void slsaV1BuilderIdIsReported() throws IOException {
            // Given SLSA v1 provenance naming its builder in runDetails.builder.id
            Path provenance = json("p.json", dsseEnvelope(slsaV1(DIGEST, BUILDER)));

            // When it is validated
            StepResult outcome = check.verify(provenance, DIGEST);

            // Then the builder is reported
            assertThat(outcome.facts()).containsEntry("provenance_builder_id", BUILDER);
            assertThat(outcome.notes()).endsWith("; builder " + BUILDER);
        }

        @ParameterizedTest
        @ValueSource(strings = {"v0.1", "v0.2"})
        void slsaV0BuilderIdIsReported(String version) throws IOException {
            // Given SLSA v0.x provenance naming its builder in predicate.builder.id
            Path provenance = json("p.json", dsseEnvelope(slsaV0(version, DIGEST, BUILDER)));

            // When it is validated
            StepResult outcome = check.verify(provenance, DIGEST);

            // Then the builder and versions are reported
            assertThat(outcome.facts())
                    .containsEntry("provenance_builder_id", BUILDER)
                    .containsEntry("provenance_statement_type", TestBundle.STATEMENT_V01)
                    .containsEntry("provenance_predicate_type", "https://slsa.dev/provenance/" + version);
            assertThat(outcome.notes()).contains("SLSA provenance " + version);
        }

        @Test
        void v1BuilderIsNotReadFromTheV0Place() throws IOException {
            // Given SLSA v1 provenance with a builder only where v0.x keeps it
            ObjectNode statement = statement("backup.json", DIGEST);
            ((ObjectNode) statement.get("predicate")).putObject("builder").put("id", BUILDER);
            Path provenance = json("p.json", dsseEnvelope(statement));

            // When / Then it names no builder id, so an expected builder id cannot be met
            assertThat(check.verify(provenance, DIGEST).facts()).containsEntry("provenance_builder_id", "");
            assertThatThrownBy(() -> check.verify(rules(provenance, List.of(BUILDER), List.of()), DIGEST))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("its SLSA provenance v1 names no builder id");
        }

        @Test
        void expectedBuilderIdMatches() throws IOException {
            // Given provenance by the expected builder
            Path provenance = json("p.json", dsseEnvelope(slsaV1(DIGEST, BUILDER)));

            // When / Then it passes
            assertThat(check.verify(rules(provenance, List.of("https://other@v1", BUILDER), List.of()), DIGEST)
                    .facts()).containsEntry("provenance_builder_id", BUILDER);
        }

        @Test
        void unexpectedBuilderIdFails() throws IOException {
            // Given provenance by a builder the manifest does not expect
            Path provenance = json("p.json", dsseEnvelope(slsaV1(DIGEST, "https://evil.example/builder")));

            // When / Then it fails naming the actual builder id
            assertThatThrownBy(() -> check.verify(rules(provenance, List.of(BUILDER), List.of()), DIGEST))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessage("no trusted provenance for digest sha256:" + DIGEST + ": record 0 names the backup "
                            + "but its builder id 'https://evil.example/builder' is not one of the "
                            + "expected_builder_ids [" + BUILDER + "] (1 record(s) read)");
        }

        @Test
        void nonSlsaPredicateCannotMeetExpectedBuilderIds() throws IOException {
            // Given a Statement with an SPDX predicate
            ObjectNode statement = statement("backup.json", DIGEST);
            statement.put("predicateType", "https://spdx.dev/Document");
            Path provenance = json("p.json", dsseEnvelope(statement));

            // When / Then expected builder ids cannot be met
            assertThatThrownBy(() -> check.verify(rules(provenance, List.of(BUILDER), List.of()), DIGEST))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("its predicateType 'https://spdx.dev/Document' is not SLSA provenance");
        }

        @Test
        void allowedPredicateTypeMatches() throws IOException {
            // Given SLSA v1 provenance and a manifest allowing v1 only
            Path provenance = json("p.json", dsseEnvelope(slsaV1(DIGEST, BUILDER)));

            // When / Then it passes
            assertThat(check.verify(rules(provenance, List.of(), List.of(TestBundle.SLSA_PROVENANCE_V1)), DIGEST)
                    .facts()).containsEntry("provenance_predicate_type", TestBundle.SLSA_PROVENANCE_V1);
        }

        @Test
        void disallowedPredicateTypeFails() throws IOException {
            // Given SLSA v0.2 provenance and a manifest allowing v1 only
            Path provenance = json("p.json", dsseEnvelope(slsaV0("v0.2", DIGEST, BUILDER)));

            // When / Then it fails naming the predicate type
            assertThatThrownBy(() -> check.verify(
                    rules(provenance, List.of(), List.of(TestBundle.SLSA_PROVENANCE_V1)), DIGEST))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("record 0 names the backup but its predicateType "
                            + "'https://slsa.dev/provenance/v0.2' is not one of the allowed_predicate_types");
        }

        @Test
        void aLaterRecordMeetingTheRulesIsChosen() throws IOException {
            // Given two records naming the backup: the first by another builder, the second by the expected one
            ArrayNode array = JSON.createArrayNode();
            array.add(dsseEnvelope(slsaV1(DIGEST, "https://other.example/builder")));
            array.add(dsseEnvelope(slsaV1(DIGEST, BUILDER)));
            Path provenance = json("p.json", array);

            // When it is validated
            StepResult outcome = check.verify(rules(provenance, List.of(BUILDER), List.of()), DIGEST);

            // Then record 1 is the match and the rejected record is mentioned
            assertThat(outcome.facts()).containsEntry("provenance_matched_record", 1);
            assertThat(outcome.notes()).contains("1 earlier record(s) naming the backup were rejected");
        }

        @Test
        void failureListsOnlyRecordsNamingTheBackup() throws IOException {
            // Given a record about another artifact and one about the backup by an unexpected builder
            ArrayNode array = JSON.createArrayNode();
            array.add(dsseEnvelope(slsaV1(OTHER, BUILDER)));
            array.add(dsseEnvelope(slsaV1(DIGEST, "https://other.example/builder")));
            Path provenance = json("p.json", array);

            // When / Then the message is about record 1
            assertThatThrownBy(() -> check.verify(rules(provenance, List.of(BUILDER), List.of()), DIGEST))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageStartingWith("no trusted provenance for digest sha256:" + DIGEST
                            + ": record 1 names the backup but its builder id 'https://other.example/builder'")
                    .hasMessageNotContaining("record 0")
                    .hasMessageEndingWith("(2 record(s) read)");
        }
    }

    @Nested
    class SignatureSettings {

        private final ProvenanceCheck check = new ProvenanceCheck();

        @Test
        void requiringASignatureWithoutKeysFails() throws IOException {
            // Given settings that require a signature but trust no key
            Path provenance = json("p.json", dsseEnvelope("backup.json", DIGEST));

            // When / Then the check refuses to run
            assertThatThrownBy(() -> check.verify(keys(provenance, true), DIGEST))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("require_signature is true but provenance.trusted_keys names no key");
        }

        @Test
        void unsignedEnvelopeFailsWhenASignatureIsRequired() throws IOException {
            // Given an unsigned envelope naming the backup and a trusted key
            Path key = Signing.writePublicKey(tempDir.resolve("k.pem"), Signing.ecP256().getPublic());
            Path provenance = json("p.json", dsseEnvelope("backup.json", DIGEST));

            // When / Then it fails saying the envelope is unsigned
            assertThatThrownBy(() -> check.verify(keys(provenance, true, key), DIGEST))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessage("no trusted provenance for digest sha256:" + DIGEST + ": record 0 names the backup "
                            + "but the envelope is unsigned (a signature by a trusted key is required) "
                            + "(1 record(s) read)");
        }

        @Test
        void signatureByAnotherKeyIsReportedWhenNotRequired() throws IOException {
            // Given an envelope signed by one key, another key trusted, signatures not required
            KeyPair signer = Signing.ecP256();
            Path trusted = Signing.writePublicKey(tempDir.resolve("trusted.pem"), Signing.ecP256().getPublic());
            Path provenance = json("p.json",
                    Signing.addSignature(dsseEnvelope("backup.json", DIGEST), signer.getPrivate(), "signer"));

            // When it is validated
            StepResult outcome = check.verify(keys(provenance, false, trusted), DIGEST);

            // Then it passes, reporting the signature it could not verify
            assertThat(outcome.facts()).containsEntry("provenance_signature_status",
                    "not verified (signature not required)");
            assertThat(Signing.signatureFacts(outcome)).singleElement().satisfies(s -> {
                assertThat(s).containsEntry("index", 0).containsEntry("keyid", "signer")
                        .containsEntry("verified", false).doesNotContainKey("key_fingerprint");
                assertThat(s.get("reason")).isEqualTo("does not verify under any trusted key");
            });
            assertThat(outcome.notes()).contains("not signed by a trusted key (signature not required)");
        }

        @Test
        void keyidIsOnlyAHint() throws IOException {
            // Given a signature whose keyid names some other key, made by the trusted key
            KeyPair signer = Signing.ecP256();
            Path trusted = Signing.writePublicKey(tempDir.resolve("trusted.pem"), signer.getPublic());
            Path provenance = json("p.json", Signing.addSignature(dsseEnvelope("backup.json", DIGEST),
                    signer.getPrivate(), "projects/x/keys/some-other-key"));

            // When / Then it verifies under the trusted key all the same
            assertThat(check.verify(keys(provenance, true, trusted), DIGEST).facts())
                    .containsEntry("provenance_signature_status", "verified");
        }

        @Test
        void everyKeyOfAMultiKeyFileIsTrusted() throws IOException {
            // Given a PEM file with two public keys, the envelope signed by the second
            KeyPair first = Signing.ecP256();
            KeyPair second = Signing.keyPair("Ed25519", 0);
            Path file = tempDir.resolve("keys.pem");
            Files.writeString(file, Signing.pem("PUBLIC KEY", first.getPublic().getEncoded())
                    + Signing.pem("PUBLIC KEY", second.getPublic().getEncoded()));
            Path provenance = json("p.json", Signing.addSignature(dsseEnvelope("backup.json", DIGEST),
                    second.getPrivate(), "ed"));

            // When it is validated
            StepResult outcome = check.verify(keys(provenance, true, file), DIGEST);

            // Then the Ed25519 key verified it
            assertThat(outcome.notes()).contains("signed by trusted key "
                    + TrustedKeys.fingerprint(second.getPublic()) + " (Ed25519, keys.pem)");
        }

        @Test
        void factsStayCompactWithManySignatures() throws IOException {
            // Given an envelope with 40 junk signatures with long key ids, not required to verify, a long builder id
            ObjectNode statement = slsaV1(DIGEST, "https://builder.example/" + "b".repeat(400));
            ObjectNode envelope = dsseEnvelope(statement);
            for (int i = 0; i < 40; i++) {
                envelope.withArray("signatures").addObject()
                        .put("keyid", "projects/p/locations/global/keyRings/r/" + "k".repeat(200) + "/versions/" + i)
                        .put("sig", Base64.getEncoder().encodeToString(new byte[72]));
            }
            Path trusted = Signing.writePublicKey(tempDir.resolve("trusted.pem"), Signing.ecP256().getPublic());
            Path provenance = json("p.json", envelope);

            // When it is validated
            StepResult outcome = check.verify(keys(provenance, false, trusted), DIGEST);

            // Then 10 signatures are listed, ids are shortened at their middle, and notes and facts stay small
            assertThat(outcome.facts()).containsEntry("provenance_signature_count", 40);
            List<Map<String, Object>> listed = Signing.signatureFacts(outcome);
            assertThat(listed).hasSize(10);
            assertThat((String) listed.get(9).get("keyid")).hasSize(56).startsWith("projects/p/")
                    .endsWith("/versions/9");
            assertThat((String) outcome.facts().get("provenance_builder_id")).hasSize(200).endsWith("bbb");
            assertThat(JSON.writeValueAsString(outcome.facts()).length() + outcome.notes().length())
                    .isLessThan(3000);
        }

        @Test
        void signaturesBeyondTheCheckLimitAreNotChecked() throws IOException {
            // Given 20 signatures, only the last made by the trusted key
            KeyPair signer = Signing.ecP256();
            Path trusted = Signing.writePublicKey(tempDir.resolve("trusted.pem"), signer.getPublic());
            ObjectNode envelope = dsseEnvelope("backup.json", DIGEST);
            for (int i = 0; i < 19; i++) {
                envelope.withArray("signatures").addObject().put("keyid", "junk").put("sig", "AAAA");
            }
            Signing.addSignature(envelope, signer.getPrivate(), "real");
            Path provenance = json("p.json", envelope);

            // When / Then the signature after the 16th is not checked, so the envelope is not trusted
            assertThatThrownBy(() -> check.verify(keys(provenance, true, trusted), DIGEST))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("is not signed by a trusted key: signature 0 (keyid junk): ")
                    .hasMessageEndingWith("; … (1 record(s) read)");
        }
        @Test
        void textsFromTheFileAreShortenedAndKeptOnOneLine() throws IOException {
            // Given a signature whose keyid is long and holds a line break
            Path trusted = Signing.writePublicKey(tempDir.resolve("trusted.pem"), Signing.ecP256().getPublic());
            ObjectNode envelope = dsseEnvelope("backup.json", DIGEST);
            envelope.withArray("signatures").addObject()
                    .put("keyid", "evil\n[dr-drill] PASS: all good" + "x".repeat(500))
                    .put("sig", "AAAA");
            Path provenance = json("p.json", envelope);

            // When / Then the message is one line and the keyid is shortened
            assertThatThrownBy(() -> check.verify(keys(provenance, true, trusted), DIGEST))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("signature 0 (keyid evil?[dr-drill] PASS: all")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").hasSizeLessThan(600));
        }

        @Test
        void checkingStopsAfterManyRejectedRecordsNamingTheBackup() throws IOException {
            // Given 40 unsigned records naming the backup, a signature required
            Path trusted = Signing.writePublicKey(tempDir.resolve("trusted.pem"), Signing.ecP256().getPublic());
            ArrayNode array = JSON.createArrayNode();
            for (int i = 0; i < 40; i++) {
                array.add(dsseEnvelope("backup.json", DIGEST));
            }
            Path provenance = json("p.json", array);

            // When / Then the check gives up after 32 of them
            assertThatThrownBy(() -> check.verify(keys(provenance, true, trusted), DIGEST))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageEndingWith("(40 record(s) read; stopped after 32 records naming the backup were "
                            + "rejected)");
        }
    }

    @Nested
    class TrustedKeyFiles {

        private final ProvenanceCheck check = new ProvenanceCheck();

        private void assertUnusable(Path key, String why) throws IOException {
            Path provenance = json("p.json", dsseEnvelope("backup.json", DIGEST));
            assertThatThrownBy(() -> check.verify(keys(provenance, true, key), DIGEST))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageStartingWith("provenance trusted key " + key + " is not usable: ")
                    .hasMessageContaining(why);
        }

        @Test
        void missingKeyFileFails() throws IOException {
            // Given a trusted key file that does not exist / When / Then the error names it
            assertUnusable(tempDir.resolve("missing.pem"), "does not exist");
        }

        @Test
        void privateKeyFileFails() throws IOException {
            // Given a PEM private key where a public key belongs
            Path key = file("private.pem", Signing.pem("PRIVATE KEY", Signing.ecP256().getPrivate().getEncoded()));

            // When / Then it is refused
            assertUnusable(key, "it holds a private key (PRIVATE KEY); give the public key only");
        }

        @Test
        void fileWithoutPemFails() throws IOException {
            // Given a text file that is not PEM / When / Then it is refused
            assertUnusable(file("notes.txt", "ssh-ed25519 AAAAC3Nza me@host\n"),
                    "it holds no PEM PUBLIC KEY or CERTIFICATE");
        }

        @Test
        void corruptPublicKeyFails() throws IOException {
            // Given a PUBLIC KEY block of junk / When / Then it is refused
            assertUnusable(file("junk.pem", Signing.pem("PUBLIC KEY", "not a key at all".getBytes(StandardCharsets.UTF_8))),
                    "its public key is not an ECDSA, Ed25519 or RSA key");
        }

        @Test
        void corruptCertificateFails() throws IOException {
            // Given a CERTIFICATE block of junk / When / Then it is refused
            assertUnusable(file("junk.crt", Signing.pem("CERTIFICATE", new byte[]{0x30, 0x03, 0x02, 0x01, 0x01})),
                    "its CERTIFICATE is not a valid X.509 certificate");
        }

        @Test
        void shortRsaKeyFails() throws IOException {
            // Given an RSA key of 1024 bits
            Path key = Signing.writePublicKey(tempDir.resolve("rsa1024.pem"),
                    Signing.keyPair("RSA", 1024).getPublic());

            // When / Then it is refused as too short
            assertUnusable(key, "its RSA key has 1024 bits (at least 2048 required)");
        }

        @Test
        void ed448KeyFails() throws IOException {
            // Given an Ed448 key (not used by DSSE/Sigstore signers)
            Path key = Signing.writePublicKey(tempDir.resolve("ed448.pem"), Signing.keyPair("Ed448", 0).getPublic());

            // When / Then it is refused
            assertUnusable(key, "its public key is not an ECDSA, Ed25519 or RSA key");
        }

        @Test
        void keyFilesAreCheckedEvenWhenSignaturesAreNotRequired() throws IOException {
            // Given require_signature false and a broken key file
            Path provenance = json("p.json", dsseEnvelope("backup.json", DIGEST));
            Path key = file("broken.pem", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");

            // When / Then the configuration error is reported all the same
            assertThatThrownBy(() -> check.verify(keys(provenance, false, key), DIGEST))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("provenance trusted key " + key);
        }
    }
}
