package io.drdrill.supplychain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drdrill.drill.DrDrillError;
import io.drdrill.drill.StepOutcome;
import io.drdrill.testsupport.TestBundle;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
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
        Path file = tempDir.resolve(name);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    private Path json(String name, JsonNode content) throws IOException {
        Path file = tempDir.resolve(name);
        Files.write(file, JSON.writeValueAsBytes(content));
        return file;
    }

    @Nested
    class Provenance {

        private final ProvenanceCheck check = new ProvenanceCheck();

        private String jsonText(JsonNode node) throws IOException {
            return JSON.writeValueAsString(node);
        }

        @Test
        void singleEnvelopeNamingTheDigestPasses() throws IOException {
            // Given one DSSE envelope whose Statement names the backup digest
            Path provenance = json("provenance.json", dsseEnvelope("backup.json", DIGEST));

            // When it is validated
            StepOutcome outcome = check.verify(provenance, DIGEST);

            // Then it passes, matching record 0 of 1
            assertThat(outcome.facts()).containsExactly(
                    entry("provenance_records", 1),
                    entry("provenance_matched_record", 0),
                    entry("provenance_predicate_type", TestBundle.SLSA_PROVENANCE_V1));
            assertThat(outcome.notes()).contains("record 0 names the backup digest");
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
            StepOutcome outcome = check.verify(provenance, DIGEST);

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
            StepOutcome outcome = check.verify(provenance, DIGEST);

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
            StepOutcome outcome = check.verify(provenance, DIGEST);

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
}
