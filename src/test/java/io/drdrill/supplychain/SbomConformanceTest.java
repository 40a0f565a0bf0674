package io.drdrill.supplychain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drdrill.step.DrDrillError;
import io.drdrill.step.StepResult;
import io.drdrill.manifest.Manifest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static io.drdrill.testsupport.TestBundle.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

/**
 * The SBOM check against documents nobody on this team wrote (see {@code real-world/README.md}): the CycloneDX
 * specification's conformance files, real SBOMs from CycloneDX/bom-examples and the SPDX examples.
 */
class SbomConformanceTest {

    /** SHA-256 of {@code real-world/spdx/example12/hello-0.0.1.tar.gz}, the artifact example12's SBOMs describe. */
    static final String HELLO_DIST_SHA256 = "3e11868522b3c014cd7ef27b8472c19cf6911e6faa222b3aa7179b167d4c0b0b";
    /** SHA-256 of {@code real-world/spdx/example10/hello-0.0.1.tar.gz}, which example10's source SBOM does not name. */
    static final String HELLO_SOURCE_TARBALL_SHA256 = "bcf92262fed6cfc8a331df7941e9679b12208aefb3fdf152f17773029e1584d4";

    @TempDir
    Path tempDir;

    private final SbomCheck check = new SbomCheck();

    static Path realWorld(String relative) {
        try {
            return Path.of(SbomConformanceTest.class.getResource("/real-world/" + relative).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static ObjectNode read(Path file) {
        try {
            return (ObjectNode) JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Path> jsonFiles(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<Path> conformanceFiles() {
        return Stream.of("1.5", "1.6").flatMap(v -> jsonFiles(realWorld("cyclonedx/conformance/" + v)).stream());
    }

    private Path write(String name, JsonNode content) throws IOException {
        Path file = tempDir.resolve(name);
        Files.write(file, JSON.writeValueAsBytes(content));
        return file;
    }

    @Nested
    class CycloneDxSchemaLayer {

        private final CycloneDxValidator validator = new CycloneDxValidator();

        @ParameterizedTest(name = "{0}")
        @MethodSource("io.drdrill.supplychain.SbomConformanceTest#conformanceFiles")
        void conformanceFileIsClassifiedByTheSchemaOfItsOwnVersion(Path file) {
            // Given one of the CycloneDX specification's own test documents
            String name = file.getFileName().toString();
            JsonNode document = read(file);

            // When it is validated against the schema of its specVersion
            SchemaReport report = validator.validate(document);

            // Then valid-* documents pass and invalid-* documents fail, whatever their components
            String version = file.getParent().getFileName().toString();
            assertThat(report.checkedAgainst()).isEqualTo("CycloneDX " + version + " schema");
            if (name.startsWith("valid-")) {
                assertThat(report.errors()).as(name).isEmpty();
            } else {
                assertThat(name).startsWith("invalid-");
                assertThat(report.errors()).as(name).isNotEmpty();
            }
        }

        @Test
        void conformanceSuiteIsComplete() {
            // Given / When the conformance folders are listed
            List<Path> v15 = jsonFiles(realWorld("cyclonedx/conformance/1.5"));
            List<Path> v16 = jsonFiles(realWorld("cyclonedx/conformance/1.6"));

            // Then every document copied from the specification is there, valid and invalid ones
            assertThat(v15).hasSize(58);
            assertThat(v16).hasSize(70);
            assertThat(Stream.concat(v15.stream(), v16.stream()).map(p -> p.getFileName().toString()))
                    .contains("valid-empty-components-1.5.json", "valid-empty-components-1.6.json",
                            "invalid-hash-sha256-1.6.json", "invalid-bomformat-1.5.json");
        }

        @ParameterizedTest
        @ValueSource(strings = {"dropwizard-1.3.15.cdx-1.2.json", "juice-shop.cdx-1.4.json",
                "laravel-7.12.0.cdx-1.4.json", "cbom-with-dependencies.cdx-1.6.json"})
        void bomExamplesAreValid(String example) {
            // Given a real SBOM from CycloneDX/bom-examples
            JsonNode document = read(realWorld("cyclonedx/examples/" + example));

            // When it is validated
            SchemaReport report = validator.validate(document);

            // Then it is valid against the schema of its own version
            assertThat(report.errors()).isEmpty();
            assertThat(report.checkedAgainst())
                    .isEqualTo("CycloneDX " + document.get("specVersion").asText() + " schema");
        }

        @Test
        void dropwizardSbomIsBoundByAComponentHash() {
            // Given the dropwizard 1.2 SBOM and the SHA-256 of one of its components (a jar it lists)
            Path sbom = realWorld("cyclonedx/examples/dropwizard-1.3.15.cdx-1.2.json");
            JsonNode fourth = read(sbom).get("components").get(3);
            String sha256 = "";
            for (JsonNode hash : fourth.get("hashes")) {
                if (hash.get("alg").asText().equals("SHA-256")) {
                    sha256 = hash.get("content").asText();
                }
            }

            // When the whole step runs against that digest
            StepResult outcome = check.verify(new Manifest.Sbom(sbom), sha256);

            // Then it passes, bound at that component
            assertThat(outcome.facts()).containsExactly(
                    entry("sbom_format", "CycloneDX"),
                    entry("sbom_spec_version", "1.2"),
                    entry("sbom_components", 167),
                    entry("sbom_schema", "validated against CycloneDX 1.2 schema"),
                    entry("sbom_digest_match", "components[3].hashes"));
        }
    }

    @Nested
    class Spdx2 {

        private final Path helloDist = realWorld("spdx/example12/hello-dist.spdx-2.2.json");
        private final Path helloSource = realWorld("spdx/example10/hello-source.spdx-2.3.json");

        @Test
        void helloDist22IsValidAndBoundByItsFileChecksum() {
            // Given the SPDX 2.2 SBOM of hello-0.0.1.tar.gz
            Manifest.Sbom settings = new Manifest.Sbom(helloDist);

            // When it is validated against the tarball's digest
            StepResult outcome = check.verify(settings, HELLO_DIST_SHA256);

            // Then it passes the SPDX 2.2 schema and binds through the file's SHA256 checksum
            assertThat(outcome.facts()).containsExactly(
                    entry("sbom_format", "SPDX"),
                    entry("sbom_spec_version", "2.2"),
                    entry("sbom_components", 2),
                    entry("sbom_schema", "validated against SPDX 2.2 JSON schema"),
                    entry("sbom_digest_match", "files[0].checksums"));
            assertThat(outcome.notes()).isEqualTo("SPDX 2.2, 2 packages and files, validated against SPDX 2.2 JSON"
                    + " schema, backup SHA-256 in files[0].checksums");
        }

        @Test
        void helloDist22DoesNotDescribeAnotherBackup() {
            // Given the same SBOM and the digest of another artifact
            Manifest.Sbom settings = new Manifest.Sbom(helloDist);

            // When / Then the binding fails, naming the digest
            assertThatThrownBy(() -> check.verify(settings, HELLO_SOURCE_TARBALL_SHA256))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("does not describe the backup")
                    .hasMessageContaining(HELLO_SOURCE_TARBALL_SHA256)
                    .hasMessageContaining("checksums (algorithm SHA256) of packages and files");
        }

        @Test
        void helloSource23IsSchemaValid() {
            // Given the SPDX 2.3 source SBOM
            JsonNode document = read(helloSource);

            // When it is validated against its schema
            SchemaReport report = new SpdxValidator().validate(document);

            // Then it is valid against the SPDX 2.3 schema
            assertThat(report.errors()).isEmpty();
            assertThat(report.checkedAgainst()).isEqualTo("SPDX 2.3 JSON schema");
        }

        @Test
        void helloSource23PassesWhenBindingIsNotRequired() {
            // Given the SPDX 2.3 source SBOM, which names the source files but not the tarball
            Manifest.Sbom relaxed = new Manifest.Sbom(helloSource, false);

            // When it is validated with binding relaxed
            StepResult outcome = check.verify(relaxed, HELLO_SOURCE_TARBALL_SHA256);

            // Then it passes: 1 package and 5 files, binding not required
            assertThat(outcome.facts())
                    .containsEntry("sbom_spec_version", "2.3")
                    .containsEntry("sbom_components", 6)
                    .containsEntry("sbom_digest_match", "not required");
        }

        @Test
        void helloSource23DoesNotDescribeTheTarball() {
            // Given the source SBOM and the tarball's digest, which it does not name
            Manifest.Sbom settings = new Manifest.Sbom(helloSource);

            // When / Then binding fails
            assertThatThrownBy(() -> check.verify(settings, HELLO_SOURCE_TARBALL_SHA256))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("does not describe the backup");
        }

        @Test
        void spdx23WithoutARequiredFieldIsRejected() throws IOException {
            // Given the SPDX 2.3 SBOM without its dataLicense
            ObjectNode document = read(helloSource);
            document.remove("dataLicense");
            Path file = write("broken.spdx.json", document);

            // When / Then the SPDX 2.3 schema rejects it, naming the field
            assertThatThrownBy(() -> check.verify(new Manifest.Sbom(file, false), null))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageStartingWith("SBOM broken.spdx.json: not valid against the SPDX 2.3 JSON schema")
                    .hasMessageContaining("dataLicense");
        }

        @Test
        void spdx23WithAWrongTypeIsRejected() throws IOException {
            // Given the SPDX 2.3 SBOM whose first file's checksums are a string
            ObjectNode document = read(helloSource);
            ((ObjectNode) document.get("files").get(0)).put("checksums", "SHA256");
            Path file = write("broken.spdx.json", document);

            // When / Then the schema rejects it at that location
            assertThatThrownBy(() -> check.verify(new Manifest.Sbom(file, false), null))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("not valid against the SPDX 2.3 JSON schema")
                    .hasMessageContaining("files[0].checksums");
        }

        @Test
        void eachSpdxVersionIsCheckedAgainstItsOwnSchema() {
            // Given the SPDX 2.2 SBOM with a package field that only SPDX 2.3 defines
            ObjectNode document = read(helloDist);
            ((ObjectNode) document.get("packages").get(0)).put("primaryPackagePurpose", "ARCHIVE");
            ObjectNode as23 = document.deepCopy().put("spdxVersion", "SPDX-2.3");

            // When both spdxVersions are validated
            SchemaReport report22 = new SpdxValidator().validate(document);
            SchemaReport report23 = new SpdxValidator().validate(as23);

            // Then the 2.2 schema rejects the field and the 2.3 schema accepts it
            assertThat(report22.errors()).anySatisfy(e -> assertThat(e).contains("primaryPackagePurpose"));
            assertThat(report23.errors()).isEmpty();
        }

        @ParameterizedTest
        @ValueSource(strings = {"SPDX-2.1", "SPDX-2.4"})
        void otherSpdx2VersionsAreRefused(String version) throws IOException {
            // Given an SPDX 2 document of a version without a schema here
            Path file = write("sbom.spdx.json", read(helloSource).put("spdxVersion", version));

            // When / Then it is refused
            assertThatThrownBy(() -> check.verify(new Manifest.Sbom(file), HELLO_DIST_SHA256))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("unsupported SPDX version " + version);
        }
    }

    @Nested
    class Spdx3 {

        private final Path helloDist = realWorld("spdx/example12/hello-dist.spdx-3.0.json");

        private ArrayNode graph(ObjectNode document) {
            return (ArrayNode) document.get("@graph");
        }

        private int indexOfType(ObjectNode document, String type) {
            for (int i = 0; i < graph(document).size(); i++) {
                if (graph(document).get(i).path("type").asText().equals(type)) {
                    return i;
                }
            }
            throw new IllegalStateException("no " + type);
        }

        @Test
        void helloDist30PassesTheStructuralCheckAndIsBound() {
            // Given the SPDX 3.0 JSON-LD SBOM of hello-0.0.1.tar.gz
            Manifest.Sbom settings = new Manifest.Sbom(helloDist);

            // When it is validated against the tarball's digest
            StepResult outcome = check.verify(settings, HELLO_DIST_SHA256);

            // Then it passes the structural check and binds through the software_File's verifiedUsing hash
            assertThat(outcome.facts()).containsExactly(
                    entry("sbom_format", "SPDX"),
                    entry("sbom_spec_version", "3.0.1"),
                    entry("sbom_components", 16),
                    entry("sbom_schema", "structural check of SPDX 3.0 JSON-LD (no JSON schema)"),
                    entry("sbom_digest_match", "@graph[16].verifiedUsing"));
        }

        @Test
        void helloDist30DoesNotDescribeAnotherBackup() {
            // Given the same SBOM and another digest
            Manifest.Sbom settings = new Manifest.Sbom(helloDist);

            // When / Then binding fails
            assertThatThrownBy(() -> check.verify(settings, HELLO_SOURCE_TARBALL_SHA256))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("does not describe the backup")
                    .hasMessageContaining(HELLO_SOURCE_TARBALL_SHA256);
        }

        @Test
        void packageVerificationCodeIsNotAnArtifactDigest() throws IOException {
            // Given the package's verification code value made equal to the backup digest, and the file hash removed
            ObjectNode document = read(helloDist);
            int file = indexOfType(document, "software_File");
            ((ObjectNode) graph(document).get(file)).remove("verifiedUsing");
            int pkg = indexOfType(document, "software_Package");
            ((ObjectNode) graph(document).get(pkg).get("verifiedUsing").get(0))
                    .put("algorithm", "sha256").put("hashValue", HELLO_DIST_SHA256);
            Path sbom = write("sbom.spdx3.json", document);

            // When / Then it does not bind: only Hash entries describe the artifact's bytes
            assertThatThrownBy(() -> check.verify(new Manifest.Sbom(sbom), HELLO_DIST_SHA256))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("does not describe the backup");
        }

        @Test
        void elementWithoutSpdxIdFailsTheStructuralCheck() throws IOException {
            // Given the SBOM whose package lost its spdxId
            ObjectNode document = read(helloDist);
            int pkg = indexOfType(document, "software_Package");
            ((ObjectNode) graph(document).get(pkg)).remove("spdxId");
            Path sbom = write("sbom.spdx3.json", document);

            // When / Then the structural check names the element
            assertThatThrownBy(() -> check.verify(new Manifest.Sbom(sbom), HELLO_DIST_SHA256))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("fails the structural check of SPDX 3.0 JSON-LD")
                    .hasMessageContaining("@graph[" + pkg + "]: element has no string \"spdxId\"");
        }

        @Test
        void graphWithoutSoftwareFailsTheStructuralCheck() throws IOException {
            // Given the SBOM without its software_File and software_Package
            ObjectNode document = read(helloDist);
            graph(document).remove(indexOfType(document, "software_Package"));
            graph(document).remove(indexOfType(document, "software_File"));
            Path sbom = write("sbom.spdx3.json", document);

            // When / Then it fails: it describes no software
            assertThatThrownBy(() -> new SbomCheck().verify(new Manifest.Sbom(sbom, false), null))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("has no software_Package, software_File");
        }

        @Test
        void graphThatIsNoArrayFailsTheStructuralCheck() throws IOException {
            // Given an SPDX 3 context and an @graph object
            ObjectNode document = read(helloDist);
            document.putObject("@graph");
            Path sbom = write("sbom.spdx3.json", document);

            // When / Then it fails
            assertThatThrownBy(() -> check.verify(new Manifest.Sbom(sbom, false), null))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("@graph: must be a non-empty array");
        }

        @Test
        void otherSpdx3VersionsAreRefused() throws IOException {
            // Given an SPDX 3.1 document
            ObjectNode document = read(helloDist);
            document.put("@context", "https://spdx.org/rdf/3.1/spdx-context.jsonld");
            graph(document).forEach(item -> {
                if (item.path("type").asText().equals("CreationInfo")) {
                    ((ObjectNode) item).put("specVersion", "3.1");
                }
            });
            Path sbom = write("sbom.spdx3.json", document);

            // When / Then it is refused
            assertThatThrownBy(() -> check.verify(new Manifest.Sbom(sbom), HELLO_DIST_SHA256))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("unsupported SPDX version 3.1");
        }
    }
}
