package io.drdrill.evidence;

import io.drdrill.manifest.DrillInputs;
import io.drdrill.testsupport.TestBundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** No file a drill writes may land on one of its inputs: directly, through links, or through linked folders. */
class InputGuardTest {

    @TempDir
    Path dir;

    @Test
    void evidenceInItsOwnFolderIsAccepted() {
        // Given a bundle and evidence in a folder of its own
        TestBundle bundle = TestBundle.create(dir.resolve("bundle")).write();

        // When the writes are checked
        Optional<String> conflict = InputGuard.conflict(DrillInputs.of(bundle.manifestPath()),
                InputGuard.evidenceWrites(EvidencePaths.in(dir.resolve("out")), Optional.of(dir.resolve("out/log"))));

        // Then there is no conflict
        assertThat(conflict).isEmpty();
    }

    @Test
    void aReportOntoTheBackupIsRefusedNamingBothPaths() {
        // Given a report path that is the backup
        TestBundle bundle = TestBundle.create(dir.resolve("bundle")).write();
        EvidencePaths paths = new EvidencePaths(bundle.backupPath(), dir.resolve("e.ndjson"), dir.resolve("out"));

        // When the writes are checked
        Optional<String> conflict = InputGuard.conflict(DrillInputs.of(bundle.manifestPath()),
                InputGuard.evidenceWrites(paths, Optional.empty()));

        // Then the refusal names the write and the input
        assertThat(conflict).hasValue("the report " + bundle.backupPath() + " would be written onto the drill's input "
                + "backup.path " + bundle.backupPath() + ": inputs are never written; choose another path");
    }

    @Test
    void aHardLinkToTheManifestIsTheSameFile() throws Exception {
        // Given an events path that is a hard link to the manifest
        TestBundle bundle = TestBundle.create(dir.resolve("bundle")).write();
        Path link = Files.createLink(dir.resolve("events.ndjson"), bundle.manifestPath());

        // When the writes are checked
        Optional<String> conflict = InputGuard.conflict(DrillInputs.of(bundle.manifestPath()),
                List.of(new InputGuard.Write("--ndjson", link)));

        // Then it is refused as a hard link to the manifest
        assertThat(conflict).get().asString().contains("the manifest").contains("(a hard link to it)");
    }

    @Test
    void aDanglingLinkIsNoInputAndIsReplacedNotFollowed() throws Exception {
        // Given a report path that is a link to a file that does not exist
        TestBundle bundle = TestBundle.create(dir.resolve("bundle")).write();
        Path link = Files.createSymbolicLink(dir.resolve("r.json"), dir.resolve("nowhere.json"));

        // When the writes are checked
        // Then there is no conflict (an atomic write replaces the link itself)
        assertThat(InputGuard.conflict(DrillInputs.of(bundle.manifestPath()),
                List.of(new InputGuard.Write("--output", link)))).isEmpty();
    }

    @Test
    void aRestoredCopyThatWouldReplaceTheProvenanceIsRefused() throws Exception {
        // Given a manifest whose restore folder holds the provenance under the backup's name
        TestBundle bundle = TestBundle.create(dir.resolve("bundle")).withManifestTweak(m -> {
            ((com.fasterxml.jackson.databind.node.ObjectNode) m.get("provenance")).put("path", "restored/backup.json");
        }).write();
        Files.createDirectories(bundle.restoreDir());
        Files.copy(bundle.provenancePath(), bundle.restoredFile());

        // When the inputs are checked with no evidence writes at all
        // Then the restore itself is refused
        assertThat(InputGuard.conflict(DrillInputs.of(bundle.manifestPath()), List.of())).get().asString()
                .startsWith("the restore " + bundle.restoredFile()).contains("provenance.path");
    }

    @Test
    void anInvalidManifestStillProtectsTheInputsItNames() throws Exception {
        // Given a manifest that does not load (unknown field) but names its backup
        TestBundle bundle = TestBundle.create(dir.resolve("bundle")).withScript("#!/bin/sh\n")
                .withManifestTweak(m -> m.put("oops", 1)).write();

        // When the inputs are read from it
        List<DrillInputs.Input> inputs = DrillInputs.of(bundle.manifestPath());

        // Then the backup and the SBOM are among them
        assertThat(inputs).extracting(DrillInputs.Input::field).containsExactly("the manifest", "backup.path",
                "sbom.path", "provenance.path", "restore.script");
    }
}
