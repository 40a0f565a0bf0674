package io.drdrill.backup;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drdrill.step.DrDrillError;
import io.drdrill.drill.Drill;
import io.drdrill.drill.DrillContext;
import io.drdrill.step.StepName;
import io.drdrill.step.StepResult;
import io.drdrill.manifest.BackupFormat;
import io.drdrill.manifest.Manifest;
import io.drdrill.restore.RestoreRunner;
import io.drdrill.testsupport.TestBundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static io.drdrill.backup.Archives.run;
import static io.drdrill.backup.Archives.writeFile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code verify_backup_payload} through {@link Drill#run} for manifests whose backup is an archive. */
class TarBackupDrillTest {

    @TempDir
    Path tempDir;

    private final Drill drill = new Drill(new RestoreRunner(List.of()));

    /** A bundle whose manifest points at {@code fileName} (written by GNU tar) with its real digest. */
    private TestBundle bundleWithArchive(String fileName, String format, String tarFlags) throws IOException {
        TestBundle bundle = TestBundle.create(tempDir.resolve("bundle")).write();
        writeFile(tempDir.resolve("data/db/dump.sql"), Archives.text(20_000));
        writeFile(tempDir.resolve("data/db/schema.sql"), "create table t (id int);\n");
        run(tempDir, "tar", tarFlags, bundle.dir().resolve(fileName).toString(), "-C", "data", "db");
        String sha256 = TestBundle.sha256(bundle.dir().resolve(fileName));
        return bundle.withManifestTweak(root -> {
            ObjectNode backup = (ObjectNode) root.get("backup");
            backup.put("path", fileName);
            backup.put("sha256", "sha256:" + sha256);
            if (format != null) {
                backup.put("format", format);
            }
        }).write();
    }

    private StepResult step(StepName step, Manifest manifest, TestBundle bundle) {
        return drill.run(step, new DrillContext(manifest, Instant.now(), bundle.evidenceDir(), Optional.empty()));
    }

    @Test
    void tarGzBackupPassesDigestAndPayloadSteps() throws IOException {
        // Given a manifest with backup.format "tar.gz" for a file whose name implies nothing
        TestBundle bundle = bundleWithArchive("nightly.backup", "tar.gz", "-czf");
        Manifest manifest = drill.loadManifest(bundle.manifestPath());
        assertThat(manifest.backup().format()).isEqualTo(BackupFormat.TAR_GZ);

        // When the backup steps run
        StepResult digest = step(StepName.VERIFY_BACKUP_DIGEST, manifest, bundle);
        StepResult payload = step(StepName.VERIFY_BACKUP_PAYLOAD, manifest, bundle);

        // Then both pass; the payload step reports the archive
        assertThat(digest.facts()).containsKey("backup_sha256");
        assertThat(payload.facts())
                .containsEntry("backup_format", "tar.gz")
                .containsEntry("archive_entries", 3L)
                .containsEntry("archive_files", 2L)
                .containsEntry("archive_directories", 1L)
                .containsEntry("archive_bytes", 20_000L + 25)
                .containsEntry("gzip_members", 1);
        assertThat(payload.notes()).isEqualTo(
                "tar.gz: 3 entries (2 files, 1 directory), 19.6 KiB of content, gzip CRC and tar headers intact");
    }

    @Test
    void tgzAndTarFileNamesImplyTheirFormat() throws IOException {
        // Given manifests without backup.format for backup.tgz and backup.tar
        for (String[] archive : List.of(new String[]{"backup.tgz", "-czf", "tar.gz"},
                new String[]{"backup.tar", "-cf", "tar"})) {
            TestBundle bundle = bundleWithArchive(archive[0], null, archive[1]);
            Manifest manifest = drill.loadManifest(bundle.manifestPath());

            // When the payload step runs
            StepResult payload = step(StepName.VERIFY_BACKUP_PAYLOAD, manifest, bundle);

            // Then the format implied by the name was used
            assertThat(payload.facts()).as(archive[0]).containsEntry("backup_format", archive[2])
                    .containsEntry("archive_entries", 3L);
            Files.delete(bundle.dir().resolve(archive[0]));
        }
    }

    @Test
    void damagedTarGzFailsThePayloadStepButNotTheDigestStep() throws IOException {
        // Given a tar.gz that was cut short before its digest was recorded in the manifest
        TestBundle bundle = TestBundle.create(tempDir.resolve("bundle")).write();
        writeFile(tempDir.resolve("data/dump.sql"), Archives.text(50_000));
        run(tempDir, "tar", "-czf", "whole.tar.gz", "-C", "data", ".");
        Path backup = Archives.truncateCopy(tempDir.resolve("whole.tar.gz"), bundle.dir().resolve("backup.tar.gz"),
                (int) Files.size(tempDir.resolve("whole.tar.gz")) - 20);
        String sha256 = TestBundle.sha256(backup);
        bundle.withManifestTweak(root -> {
            ObjectNode node = (ObjectNode) root.get("backup");
            node.put("path", "backup.tar.gz");
            node.put("sha256", sha256);
        }).write();
        Manifest manifest = drill.loadManifest(bundle.manifestPath());

        // When / Then the digest matches (it was taken of the damaged file) but the payload check fails
        assertThat(step(StepName.VERIFY_BACKUP_DIGEST, manifest, bundle).facts()).containsKey("backup_sha256");
        assertThatThrownBy(() -> step(StepName.VERIFY_BACKUP_PAYLOAD, manifest, bundle))
                .isInstanceOf(DrDrillError.class)
                .hasMessageStartingWith("backup backup.tar.gz: truncated");
    }
}
