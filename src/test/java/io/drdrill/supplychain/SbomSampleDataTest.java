package io.drdrill.supplychain;

import io.drdrill.step.StepResult;
import io.drdrill.manifest.Manifest;
import io.drdrill.manifest.ManifestLoader;
import io.drdrill.testsupport.TestBundle;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/** The sample drill in {@code data/dr/}: its SBOM must keep passing the strict check against its own backup. */
class SbomSampleDataTest {

    private static final Path SAMPLE = Path.of("data", "dr");

    @Test
    void sampleSbomIsValidAndDescribesTheSampleBackup() throws IOException {
        // Given the sample manifest, whose backup digest is the SHA-256 of data/dr/backup.json
        Manifest manifest = new ManifestLoader().load(SAMPLE.resolve("manifest.json"));
        assertThat(manifest.backup().sha256()).isEqualTo(TestBundle.sha256(SAMPLE.resolve("backup.json")));

        // When its SBOM is validated as the drill does
        StepResult outcome = new SbomCheck().verify(manifest.sbom(), manifest.backup().sha256());

        // Then it is a schema-valid CycloneDX 1.6 SBOM that names the backup in metadata.component
        assertThat(outcome.facts()).containsExactly(
                entry("sbom_format", "CycloneDX"),
                entry("sbom_spec_version", "1.6"),
                entry("sbom_components", 5),
                entry("sbom_schema", "validated against CycloneDX 1.6 schema"),
                entry("sbom_digest_match", "metadata.component.hashes"));
    }
}
