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
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import static io.drdrill.testsupport.TestBundle.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

/** The {@code validate_sbom} step on SBOMs written for the test: format detection, schema layer, digest binding. */
class SbomCheckTest {

    private static final String DIGEST = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";
    private static final String OTHER = "b5bb9d8014a0f9b1d61e21e796d78dccdf1352f23cd32812f4850b878ae4944c";

    @TempDir
    Path tempDir;

    private final SbomCheck check = new SbomCheck();

    private Path file(String name, String content) throws IOException {
        return TestFiles.text(tempDir, name, content);
    }

    private Path json(String name, JsonNode content) throws IOException {
        return TestFiles.json(tempDir, name, content);
    }

    /** Verifies {@code sbom} requiring it to name {@link #DIGEST}. */
    private StepResult verifyBound(Path sbom) {
        return check.verify(new Manifest.Sbom(sbom, true), DIGEST);
    }

    private static ObjectNode hash(String alg, String content) {
        ObjectNode hash = JSON.createObjectNode();
        hash.put("alg", alg);
        hash.put("content", content);
        return hash;
    }

    private static ObjectNode component(ObjectNode sbom, int index) {
        return (ObjectNode) sbom.get("components").get(index);
    }

    @Nested
    class SizeBound {

        /** A valid CycloneDX SBOM naming the digest, padded with trailing spaces to exactly {@code size} bytes. */
        private Path padded(long size) throws IOException {
            byte[] document = JSON.writeValueAsBytes(TestBundle.sbom(2, DIGEST));
            byte[] bytes = new byte[(int) size];
            java.util.Arrays.fill(bytes, (byte) ' ');
            System.arraycopy(document, 0, bytes, 0, document.length);
            return Files.write(tempDir.resolve("sbom.cdx.json"), bytes);
        }

        @Test
        void anSbomOfExactlyTheBoundIsRead() throws IOException {
            // Given a valid SBOM of exactly 16 MiB
            Path sbom = padded(SbomCheck.MAX_SBOM_BYTES);

            // When / Then it is validated like any other
            assertThat(verifyBound(sbom).facts()).containsEntry("sbom_components", 2);
        }

        @Test
        void anSbomOneByteOverTheBoundIsRefusedInOneLine() throws IOException {
            // Given a valid SBOM one byte over 16 MiB
            Path sbom = padded(SbomCheck.MAX_SBOM_BYTES + 1);

            // When / Then it is refused, naming the bound and its size, before it is parsed
            assertThatThrownBy(() -> verifyBound(sbom)).isInstanceOf(DrDrillError.class)
                    .hasMessage("SBOM " + sbom + " is larger than 16 MiB (16777217 bytes): it is read into memory "
                            + "whole, and a bigger one is refused");
        }
    }

    @Nested
    class CycloneDx {

        @Test
        void cycloneDxWithComponentsPasses() throws IOException {
            // Given a CycloneDX 1.5 SBOM with 4 components whose metadata.component carries the backup's digest
            Path sbom = json("sbom.cdx.json", TestBundle.sbom(4, DIGEST));

            // When it is validated against that digest
            StepResult outcome = verifyBound(sbom);

            // Then it passes with format, version, component count, schema and where the digest was found
            assertThat(outcome.facts()).containsExactly(
                    entry("sbom_format", "CycloneDX"),
                    entry("sbom_spec_version", "1.5"),
                    entry("sbom_components", 4),
                    entry("sbom_schema", "validated against CycloneDX 1.5 schema"),
                    entry("sbom_digest_match", "metadata.component.hashes"));
            assertThat(outcome.notes()).isEqualTo("CycloneDX 1.5, 4 components, validated against CycloneDX 1.5"
                    + " schema, backup SHA-256 in metadata.component.hashes");
        }

        @Test
        void bundleSbomPasses() {
            // Given the SBOM written by the shared bundle builder
            TestBundle bundle = TestBundle.create(tempDir.resolve("bundle")).withSbomComponents(7).write();

            // When it is validated against the bundle's backup digest
            StepResult outcome = check.verify(new Manifest.Sbom(bundle.sbomPath()), bundle.backupSha256());

            // Then it is schema-valid and bound to the backup through metadata.component
            assertThat(outcome.facts())
                    .containsEntry("sbom_components", 7)
                    .containsEntry("sbom_digest_match", "metadata.component.hashes");
        }

        @Test
        void emptyComponentsFailBecauseAnSbomThatListsNothingAttestsNothing() throws IOException {
            // Given a schema-valid CycloneDX SBOM with no components that names the backup in its metadata
            Path sbom = json("sbom.json", TestBundle.sbom(0, DIGEST));

            // When it is validated with the default sbom.min_components (1)
            // Then it fails saying the SBOM lists no components
            assertThatThrownBy(() -> verifyBound(sbom)).isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("the SBOM lists no components");
        }

        @Test
        void absentComponentsPassWhenMinComponentsIsZero() throws IOException {
            // Given a CycloneDX SBOM without a components array (optional in the schema)
            ObjectNode sbom = TestBundle.sbom(0, DIGEST);
            sbom.remove("components");

            // When it is validated with sbom.min_components 0
            StepResult outcome = check.verify(new Manifest.Sbom(json("sbom.json", sbom), true, 0), DIGEST);

            // Then it passes with 0 components
            assertThat(outcome.facts()).containsEntry("sbom_components", 0);
        }

        @Test
        void fewerComponentsThanMinComponentsFailNamingBothCounts() throws IOException {
            // Given an SBOM with 2 components
            Path sbom = json("sbom.json", TestBundle.sbom(2, DIGEST));

            // When it is validated with sbom.min_components 3
            // Then it fails naming the count and the minimum
            assertThatThrownBy(() -> check.verify(new Manifest.Sbom(sbom, true, 3), DIGEST))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("lists 2 components, fewer than sbom.min_components 3");
        }

        @Test
        void nestedComponentsAreCounted() throws IOException {
            // Given 2 components, the second with 2 nested components
            ObjectNode sbom = TestBundle.sbom(2, DIGEST);
            component(sbom, 1).set("components", TestBundle.sbom(2).get("components"));

            // When it is validated
            StepResult outcome = verifyBound(json("sbom.json", sbom));

            // Then all 4 components are counted
            assertThat(outcome.facts()).containsEntry("sbom_components", 4);
        }

        @ParameterizedTest
        @ValueSource(strings = {"{}", "\"lib\"", "null"})
        void componentsThatAreNotAnArrayFailTheSchema(String components) throws IOException {
            // Given a CycloneDX SBOM whose components are not an array
            ObjectNode sbom = TestBundle.sbom(1, DIGEST);
            sbom.set("components", JSON.readTree(components));
            Path file = json("sbom.json", sbom);

            // When / Then validation fails on the schema, naming the field
            assertThatThrownBy(() -> verifyBound(file))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageStartingWith("SBOM sbom.json: not valid against the CycloneDX 1.5 schema")
                    .hasMessageContaining("components");
        }

        @Test
        void schemaErrorsAreListedWithTheirLocation() throws IOException {
            // Given a CycloneDX SBOM whose first component has no type
            ObjectNode sbom = TestBundle.sbom(2, DIGEST);
            component(sbom, 0).remove("type");
            Path file = json("sbom.json", sbom);

            // When / Then the error names the component and the missing property
            assertThatThrownBy(() -> verifyBound(file))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("not valid against the CycloneDX 1.5 schema (1 error)")
                    .hasMessageContaining("components[0]")
                    .hasMessageContaining("type")
                    .satisfies(e -> assertThat(((DrDrillError) e).facts())
                            .containsEntry("sbom_format", "CycloneDX")
                            .containsEntry("sbom_spec_version", "1.5"));
        }

        @Test
        void onlyTheFirstFewSchemaErrorsAreListed() throws IOException {
            // Given 8 components without a type
            ObjectNode sbom = TestBundle.sbom(8, DIGEST);
            sbom.get("components").forEach(c -> ((ObjectNode) c).remove("type"));
            Path file = json("sbom.json", sbom);

            // When / Then the message lists 5 and counts the rest
            assertThatThrownBy(() -> verifyBound(file))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("(8 errors)")
                    .hasMessageContaining("components[4]")
                    .hasMessageNotContaining("components[5]")
                    .hasMessageEndingWith("(and 3 more)");
        }

        @Test
        void theSchemaOfTheDocumentsOwnVersionApplies() throws IOException {
            // Given a component of type "data", which CycloneDX 1.5 introduced, in a document that says 1.4 or 1.5
            ObjectNode sbom = TestBundle.sbom(1, DIGEST);
            sbom.remove("metadata");
            component(sbom, 0).put("type", "data").set("hashes", JSON.createArrayNode().add(hash("SHA-256", DIGEST)));
            Path v15 = json("v15.json", sbom);
            Path v14 = json("v14.json", sbom.deepCopy().put("specVersion", "1.4"));

            // When / Then the 1.5 document passes and the 1.4 document fails the 1.4 schema
            assertThat(verifyBound(v15).facts()).containsEntry("sbom_schema", "validated against CycloneDX 1.5 schema");
            assertThatThrownBy(() -> verifyBound(v14))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("not valid against the CycloneDX 1.4 schema")
                    .hasMessageContaining("components[0].type");
        }

        @Test
        void cycloneDx17IsRefused() throws IOException {
            // Given a CycloneDX 1.7 document (cyclonedx-core-java 12.2.0 ships no 1.7 schema)
            Path sbom = json("sbom.json", TestBundle.sbom(1, DIGEST).put("specVersion", "1.7"));

            // When / Then it is refused rather than validated against another version's schema
            assertThatThrownBy(() -> verifyBound(sbom))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageStartingWith("SBOM sbom.json: unsupported CycloneDX version 1.7");
        }

        @ParameterizedTest
        @ValueSource(strings = {"1.0", "1.1", "1.8", "2.0", "1.5.0", "latest"})
        void unknownVersionsAreRefused(String version) throws IOException {
            // Given a CycloneDX document with a specVersion that has no JSON schema here
            Path sbom = json("sbom.json", TestBundle.sbom(1, DIGEST).put("specVersion", version));

            // When / Then it is refused, naming the version and the supported ones
            assertThatThrownBy(() -> verifyBound(sbom))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("unsupported CycloneDX version " + version)
                    .hasMessageContaining("supported: 1.2, 1.3, 1.4, 1.5, 1.6");
        }

        @Test
        void missingSpecVersionFails() throws IOException {
            // Given a CycloneDX document without specVersion
            ObjectNode sbom = TestBundle.sbom(2, DIGEST);
            sbom.remove("specVersion");
            Path file = json("sbom.json", sbom);

            // When / Then validation fails
            assertThatThrownBy(() -> verifyBound(file))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("no specVersion");
        }

        @Test
        void numericSpecVersionFails() throws IOException {
            // Given a specVersion written as a number
            ObjectNode sbom = TestBundle.sbom(2, DIGEST);
            sbom.put("specVersion", 1.5);
            Path file = json("sbom.json", sbom);

            // When / Then validation fails
            assertThatThrownBy(() -> verifyBound(file))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("specVersion 1.5 is not a string");
        }
    }

    @Nested
    class Detection {

        @Test
        void formatComesFromTheContentNotTheFileName() throws IOException {
            // Given a CycloneDX document named like SPDX and an SPDX document named like CycloneDX
            Path cycloneDx = json("bom.spdx.json", TestBundle.sbom(1));
            Path spdx = file("bom.cdx.json", """
                    {"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT"}
                    """);
            Manifest.Sbom relaxed = new Manifest.Sbom(cycloneDx, false);

            // When / Then each is read as what it contains
            assertThat(check.verify(relaxed, null).facts()).containsEntry("sbom_format", "CycloneDX");
            assertThatThrownBy(() -> verifyBound(spdx))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("not valid against the SPDX 2.3 JSON schema");
        }

        @ParameterizedTest
        @ValueSource(strings = {
                "{\"bomFormat\": \"cyclonedx\", \"specVersion\": \"1.5\", \"components\": []}",
                "{\"bomFormat\": \"SPDX\", \"specVersion\": \"1.5\", \"components\": []}",
                "[{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.5\", \"components\": []}]",
                "{\"spdxVersion\": \"2.3\", \"SPDXID\": \"SPDXRef-DOCUMENT\"}",
                "{\"spdxVersion\": 2.3}",
                "{\"@context\": \"https://spdx.org/rdf/3.0.1/spdx-context.jsonld\"}",
                "{\"@context\": \"https://schema.org\", \"@graph\": []}",
                "{\"name\": \"backup\"}",
                "\"CycloneDX\"",
                "null",
        })
        void documentThatIsNoKnownSbomFails(String content) throws IOException {
            // Given a JSON document that is neither CycloneDX, SPDX 2 JSON nor SPDX 3 JSON-LD
            Path sbom = file("sbom.cdx.json", content);

            // When / Then validation fails, naming what was expected
            assertThatThrownBy(() -> verifyBound(sbom))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageStartingWith("SBOM sbom.cdx.json: not a recognised SBOM")
                    .hasMessageContaining("CycloneDX")
                    .hasMessageContaining("SPDX");
        }

        @Test
        void documentThatLooksLikeTwoFormatsFails() throws IOException {
            // Given a CycloneDX document that also declares an spdxVersion
            Path sbom = json("sbom.json", TestBundle.sbom(1, DIGEST).put("spdxVersion", "SPDX-2.3"));

            // When / Then it is refused as ambiguous
            assertThatThrownBy(() -> verifyBound(sbom))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("ambiguous SBOM: it looks like CycloneDX JSON and SPDX 2 JSON");
        }

        @Test
        void missingFileFails() {
            // Given no SBOM
            Path missing = tempDir.resolve("missing.cdx.json");

            // When / Then validation fails
            assertThatThrownBy(() -> verifyBound(missing))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("SBOM")
                    .hasMessageContaining("does not exist");
        }

        @ParameterizedTest
        @ValueSource(strings = {"{\"bomFormat\": \"CycloneDX\",", "not json", "{'bomFormat': 'CycloneDX'}"})
        void invalidJsonFails(String content) throws IOException {
            // Given an SBOM that is not valid JSON
            Path sbom = file("sbom.json", content);

            // When / Then validation fails
            assertThatThrownBy(() -> verifyBound(sbom))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("sbom.json is not valid JSON");
        }

        @Test
        void emptyFileFails() throws IOException {
            // Given an empty SBOM file
            Path sbom = file("sbom.json", "");

            // When / Then validation fails
            assertThatThrownBy(() -> verifyBound(sbom))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("is empty");
        }

        @Test
        void duplicateKeysAreRejected() throws IOException {
            // Given an SBOM whose bomFormat is given twice
            Path sbom = file("sbom.json", """
                    {"bomFormat": "SPDX", "bomFormat": "CycloneDX", "specVersion": "1.5", "components": [{}]}
                    """);

            // When / Then validation fails as invalid JSON
            assertThatThrownBy(() -> verifyBound(sbom))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("not valid JSON")
                    .hasMessageContaining("bomFormat");
        }
    }

    @Nested
    class DigestBinding {

        @Test
        void digestOfAComponentBindsTheSbom() throws IOException {
            // Given no metadata, and the backup's digest on the third component among other hashes
            ObjectNode sbom = TestBundle.sbom(4);
            ArrayNode hashes = component(sbom, 2).putArray("hashes");
            hashes.add(hash("SHA-1", "da39a3ee5e6b4b0d3255bfef95601890afd80709")).add(hash("SHA-256", DIGEST));
            component(sbom, 1).putArray("hashes").add(hash("SHA-256", OTHER));

            // When it is validated
            StepResult outcome = verifyBound(json("sbom.json", sbom));

            // Then the binding is reported at that component
            assertThat(outcome.facts()).containsEntry("sbom_digest_match", "components[2].hashes");
            assertThat(outcome.notes()).endsWith("backup SHA-256 in components[2].hashes");
        }

        @Test
        void digestOfANestedComponentBindsTheSbom() throws IOException {
            // Given the backup's digest on a component nested in the second component
            ObjectNode sbom = TestBundle.sbom(2);
            ObjectNode nested = (ObjectNode) TestBundle.sbom(1).get("components").get(0);
            nested.putArray("hashes").add(hash("SHA-256", DIGEST));
            component(sbom, 1).putArray("components").add(nested);

            // When it is validated
            StepResult outcome = verifyBound(json("sbom.json", sbom));

            // Then the binding is reported at the nested component
            assertThat(outcome.facts()).containsEntry("sbom_digest_match", "components[1].components[0].hashes");
        }

        @Test
        void digestsAreComparedCaseInsensitively() throws IOException {
            // Given the backup's digest written in upper case
            Path sbom = json("sbom.json", TestBundle.sbom(1, DIGEST.toUpperCase(Locale.ROOT)));

            // When / Then it binds
            assertThat(verifyBound(sbom).facts()).containsEntry("sbom_digest_match", "metadata.component.hashes");
        }

        @Test
        void sbomOfAnotherArtifactFails() throws IOException {
            // Given an SBOM that names another digest
            Path sbom = json("sbom.json", TestBundle.sbom(3, OTHER));

            // When / Then it fails: it does not describe the backup
            assertThatThrownBy(() -> verifyBound(sbom))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageStartingWith("SBOM sbom.json: does not describe the backup")
                    .hasMessageContaining(DIGEST)
                    .satisfies(e -> assertThat(((DrDrillError) e).facts())
                            .containsEntry("sbom_schema", "validated against CycloneDX 1.5 schema")
                            .containsEntry("sbom_components", 3));
        }

        @Test
        void sbomWithoutHashesFails() throws IOException {
            // Given a schema-valid SBOM with no hashes at all
            Path sbom = json("sbom.json", TestBundle.sbom(3));

            // When / Then it fails: it does not describe the backup
            assertThatThrownBy(() -> verifyBound(sbom))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("does not describe the backup")
                    .hasMessageContaining(DIGEST);
        }

        @Test
        void theSameHexUnderAnotherAlgorithmDoesNotBind() throws IOException {
            // Given the backup's hex digest labelled SHA3-256
            ObjectNode sbom = TestBundle.sbom(1);
            component(sbom, 0).putArray("hashes").add(hash("SHA3-256", DIGEST));

            // When / Then it does not bind
            assertThatThrownBy(() -> verifyBound(json("sbom.json", sbom)))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("does not describe the backup");
        }

        @Test
        void relaxedBindingPassesWithoutTheDigest() throws IOException {
            // Given an SBOM of another artifact, and sbom.require_digest_match false
            Manifest.Sbom settings = new Manifest.Sbom(json("sbom.json", TestBundle.sbom(3, OTHER)), false);

            // When it is validated
            StepResult outcome = check.verify(settings, DIGEST);

            // Then it passes and says binding was not required
            assertThat(outcome.facts()).containsEntry("sbom_digest_match", "not required");
            assertThat(outcome.notes()).endsWith("binding to the backup digest not required");
        }

        @Test
        void relaxedBindingStillValidatesTheSchema() throws IOException {
            // Given a schema-invalid SBOM and sbom.require_digest_match false
            ObjectNode sbom = TestBundle.sbom(1);
            component(sbom, 0).put("type", "backup");
            Manifest.Sbom settings = new Manifest.Sbom(json("sbom.json", sbom), false);

            // When / Then it still fails the schema
            assertThatThrownBy(() -> check.verify(settings, DIGEST))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("not valid against the CycloneDX 1.5 schema");
        }

        @Test
        void requiredBindingWithoutABackupDigestFails() throws IOException {
            // Given a valid SBOM but no backup digest
            Path sbom = json("sbom.json", TestBundle.sbom(1, DIGEST));

            // When / Then it cannot be bound
            assertThatThrownBy(() -> check.verify(new Manifest.Sbom(sbom), ""))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("no backup SHA-256");
        }
    }
}
