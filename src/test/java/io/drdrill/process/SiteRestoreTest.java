package io.drdrill.process;

import io.drdrill.drill.Drill;
import io.drdrill.manifest.Manifest;
import io.drdrill.manifest.ManifestLoader;
import io.drdrill.restore.RestoreRunner;
import io.drdrill.restore.RestoreTurn;
import io.drdrill.step.Progress;
import io.drdrill.testsupport.TestBundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Restore at the recovery site" as a site runs it, with the real drill steps and recall: two drills of one
 * manifest at one site share its {@code restore.output_dir} and must not spoil each other's restored copy.
 */
class SiteRestoreTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void aCopyReadBackByTheRestoreIsCheckedFromThatReadingInTheSameTask() throws Exception {
        // Given a manifest restored by copy_backup alone, and the steps a worker runs
        TestBundle bundle = TestBundle.create(dir.resolve("bundle")).withCopyBackup(true).write();
        Manifest manifest = new ManifestLoader().load(bundle.manifestPath());
        SiteRestore restore = new SiteRestore(new Drill(new RestoreRunner(List.of(bundle.dir()))));

        // When the task restores and checks the copy
        SiteRestore.Outcome outcome = restore.run(new SiteRestore.Request(manifest.source(), manifest.sha256(),
                Instant.now(), dir.resolve("evidence"), "drill-20260102T030405Z-000000000001"), Progress.NONE);

        // Then the check took the digest the restore read back of its copy, which is the backup's
        assertThat(outcome.failure()).isEmpty();
        assertThat(outcome.records().get(1).facts())
                .containsEntry("restored_sha256", "sha256:" + bundle.backupSha256())
                .containsEntry(Drill.RESTORED_READ_FACT, Drill.READ_WHILE_COPIED);
    }

    @Test
    @Timeout(60)
    void twoDrillsOfOneManifestAtOneSiteTakeTurnsInItsOutputFolderAndBothPass() throws Exception {
        // Given a manifest whose recall takes half a second, and the steps a worker runs
        Path log = dir.resolve("recall.log");
        TestBundle bundle = TestBundle.create(dir.resolve("bundle")).withCopyBackup(false)
                .withScript("#!/bin/sh\necho start >> " + log + "\nsleep 0.5\ncp \"$1\" \"$4/\"\necho end >> " + log
                        + "\n").write();
        Manifest manifest = new ManifestLoader().load(bundle.manifestPath());
        SiteRestore restore = new SiteRestore(new Drill(new RestoreRunner(List.of(bundle.dir()))));

        // When two drills of it are restored at once (two tasks of one worker, or two workers on one host)
        ExecutorService threads = Executors.newFixedThreadPool(2);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<SiteRestore.Outcome>> outcomes;
        try {
            outcomes = List.of(1, 2).stream().map(n -> threads.submit(() -> {
                go.await();
                return restore.run(new SiteRestore.Request(manifest.source(), manifest.sha256(), Instant.now(),
                        dir.resolve("evidence-" + n), "drill-20260102T030405Z-00000000000" + n), Progress.NONE);
            })).toList();
            go.countDown();

            // Then both restored and checked their own copy, one recall after the other
            for (Future<SiteRestore.Outcome> outcome : outcomes) {
                assertThat(outcome.get().failure()).isEmpty();
                assertThat(outcome.get().records()).hasSize(2);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(Files.readAllLines(log)).containsExactly("start", "end", "start", "end");
        assertThat(RestoreTurn.lockFileOf(bundle.restoreDir().toRealPath())).isRegularFile();
    }

    @Test
    void aLinkPlantedAtTheLockFileIsNeverFollowed() throws Exception {
        // Given a bundle whose output folder holds a link, at the lock file's name, to a file elsewhere
        TestBundle bundle = TestBundle.create(dir.resolve("bundle")).write();
        Path elsewhere = Files.writeString(dir.resolve("elsewhere.txt"), "untouched");
        Files.createDirectories(bundle.restoreDir());
        Files.createSymbolicLink(RestoreTurn.lockFileOf(bundle.restoreDir().toRealPath()), elsewhere);
        Manifest manifest = new ManifestLoader().load(bundle.manifestPath());

        // When its restore runs
        SiteRestore.Outcome outcome = new SiteRestore(new Drill(new RestoreRunner(List.of(bundle.dir()))))
                .run(new SiteRestore.Request(manifest.source(), manifest.sha256(), Instant.now(),
                        dir.resolve("evidence"), "drill-20260102T030405Z-000000000001"), Progress.NONE);

        // Then the restore fails, saying why, and the file behind the link was neither locked nor written
        assertThat(outcome.failure()).hasValueSatisfying(failure -> {
            assertThat(failure.step().id()).isEqualTo("restore_artifact");
            assertThat(failure.message()).startsWith("cannot wait for other restores into");
        });
        assertThat(Files.readString(elsewhere)).isEqualTo("untouched");
    }
}
