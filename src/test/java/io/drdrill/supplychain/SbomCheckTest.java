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

class SbomCheckTest {

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
    class Sbom {

        private final SbomCheck check = new SbomCheck();

        @Test
        void cycloneDxWithComponentsPasses() throws IOException {
            // Given a CycloneDX 1.5 SBOM with 4 components
            Path sbom = json("sbom.cdx.json", TestBundle.sbom(4));

            // When it is validated
            StepOutcome outcome = check.verify(sbom);

            // Then it passes with format, version and component count
            assertThat(outcome.facts()).containsExactly(
                    entry("sbom_format", "CycloneDX"),
                    entry("sbom_spec_version", "1.5"),
                    entry("sbom_components", 4));
            assertThat(outcome.notes()).isEqualTo("CycloneDX 1.5, 4 components");
        }

        @Test
        void bundleSbomPasses() {
            // Given the SBOM written by the shared bundle builder
            TestBundle bundle = TestBundle.create(tempDir.resolve("bundle")).withSbomComponents(7).write();

            // When / Then it passes
            assertThat(check.verify(bundle.sbomPath()).facts()).containsEntry("sbom_components", 7);
        }

        @Test
        void spdxDocumentIsNotCycloneDx() throws IOException {
            // Given an SPDX SBOM
            Path sbom = file("sbom.spdx.json", """
                    {"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT", "packages": [{"name": "a"}]}
                    """);

            // When / Then validation fails
            assertThatThrownBy(() -> check.verify(sbom))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("not a CycloneDX document");
        }

        @ParameterizedTest
        @ValueSource(strings = {
                "{\"bomFormat\": \"cyclonedx\", \"specVersion\": \"1.5\", \"components\": [{}]}",
                "{\"bomFormat\": \"SPDX\", \"specVersion\": \"1.5\", \"components\": [{}]}",
                "[{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.5\", \"components\": [{}]}]",
                "\"CycloneDX\"",
                "null",
        })
        void documentWithoutCycloneDxBomFormatFails(String content) throws IOException {
            // Given a document that does not declare bomFormat CycloneDX
            Path sbom = file("sbom.json", content);

            // When / Then validation fails
            assertThatThrownBy(() -> check.verify(sbom))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("not a CycloneDX document");
        }

        @Test
        void missingSpecVersionFails() throws IOException {
            // Given a CycloneDX document without specVersion
            ObjectNode sbom = TestBundle.sbom(2);
            sbom.remove("specVersion");
            Path file = json("sbom.json", sbom);

            // When / Then validation fails
            assertThatThrownBy(() -> check.verify(file))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("no specVersion");
        }

        @Test
        void emptyComponentsFails() throws IOException {
            // Given a CycloneDX SBOM with no components
            Path sbom = json("sbom.json", TestBundle.sbom(0));

            // When / Then validation fails
            assertThatThrownBy(() -> check.verify(sbom))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("has no components");
        }

        @ParameterizedTest
        @ValueSource(strings = {"absent", "{}", "\"lib\"", "null"})
        void componentsThatAreMissingOrNotAnArrayFail(String components) throws IOException {
            // Given a CycloneDX SBOM whose components are missing or not an array
            ObjectNode sbom = TestBundle.sbom(1);
            if (components.equals("absent")) {
                sbom.remove("components");
            } else {
                sbom.set("components", JSON.readTree(components));
            }
            Path file = json("sbom.json", sbom);

            // When / Then validation fails
            assertThatThrownBy(() -> check.verify(file))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("has no components");
        }

        @Test
        void missingFileFails() {
            // Given no SBOM
            Path missing = tempDir.resolve("missing.cdx.json");

            // When / Then validation fails
            assertThatThrownBy(() -> check.verify(missing))
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
            assertThatThrownBy(() -> check.verify(sbom))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("sbom.json is not valid JSON");
        }

        @Test
        void emptyFileFails() throws IOException {
            // Given an empty SBOM file
            Path sbom = file("sbom.json", "");

            // When / Then validation fails
            assertThatThrownBy(() -> check.verify(sbom))
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
            assertThatThrownBy(() -> check.verify(sbom))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("not valid JSON")
                    .hasMessageContaining("bomFormat");
        }
    }
}
