package io.drdrill.backup;

import io.drdrill.manifest.BackupFormat;
import io.drdrill.step.DrDrillError;
import io.drdrill.step.Progress;
import io.drdrill.step.Sha256;
import io.drdrill.step.StepResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A large backup read while the headless engine starts: the digest step takes that reading only while the
 * backup is still the file that was read, and reads it itself otherwise.
 */
@Timeout(60)
class EarlyBackupReadTest {

    @TempDir
    Path dir;

    private final BackupDigestCheck digest = new BackupDigestCheck();

    @AfterEach
    void nothingLeftPending() {
        EarlyBackupRead.take(dir.resolve("none"), BackupFormat.RAW);
    }

    @Test
    void aLargeBackupReadEarlyIsVerifiedFromThatReading() throws IOException {
        // Given a 40 MiB backup whose early read was started
        Path backup = largeBackup();
        EarlyBackupRead.start(backup, BackupFormat.RAW);

        // When its digest step runs
        StepResult result = digest.verify(backup, Sha256.of(backup), BackupFormat.RAW, Progress.NONE);

        // Then it passed on the early reading, and says so
        assertThat(result.facts()).containsEntry("backup_sha256", "sha256:" + Sha256.of(backup))
                .containsEntry("backup_bytes", Files.size(backup))
                .containsKey(BackupDigestCheck.EARLY_FACT);
    }

    @Test
    void aBackupRewrittenAfterItsEarlyReadIsReadAgainByTheStep() throws Exception {
        // Given a backup read early and then rewritten in place, one byte, at the same size
        Path backup = largeBackup();
        String original = Sha256.of(backup);
        EarlyBackupRead.start(backup, BackupFormat.RAW);
        waitForTheReadToEnd();
        Thread.sleep(20);
        try (RandomAccessFile file = new RandomAccessFile(backup.toFile(), "rw")) {
            file.seek(7);
            file.write('X');
        }

        // When / Then the step does not take the early reading of the old bytes: it reads them, and they differ
        assertThatThrownBy(() -> digest.verify(backup, original, BackupFormat.RAW, Progress.NONE))
                .isInstanceOf(DrDrillError.class)
                .hasMessageContaining("backup digest mismatch")
                .hasMessageContaining("got sha256:" + Sha256.of(backup));
    }

    @Test
    void aSmallBackupOrASpecialFileIsNeverReadEarly() throws Exception {
        // Given a small backup and a FIFO (which a read would block on)
        Path small = Files.writeString(dir.resolve("small.json"), "{\"services\":[]}", StandardCharsets.UTF_8);
        Path fifo = dir.resolve("backup.fifo");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();

        // When early reads of them are asked for
        EarlyBackupRead.start(fifo, BackupFormat.RAW);
        EarlyBackupRead.start(small, BackupFormat.RAW);

        // Then neither was started: the step reads the small one itself
        assertThat(EarlyBackupRead.take(fifo, BackupFormat.RAW)).isEmpty();
        StepResult result = digest.verify(small, Sha256.of(small), BackupFormat.RAW, Progress.NONE);
        assertThat(result.facts()).doesNotContainKey(BackupDigestCheck.EARLY_FACT);
    }

    @Test
    void aReadingOfAnotherFormatIsNotTaken() throws IOException {
        // Given a backup read early as raw
        Path backup = largeBackup();
        EarlyBackupRead.start(backup, BackupFormat.RAW);

        // When / Then a step that checks it as another format finds no reading for it
        assertThat(EarlyBackupRead.take(backup, BackupFormat.JSON)).isEmpty();
    }

    private Path largeBackup() throws IOException {
        Path backup = dir.resolve("backup.bin");
        byte[] block = new byte[1 << 20];
        java.util.Random random = new java.util.Random(3);
        try (OutputStream out = Files.newOutputStream(backup)) {
            for (long written = 0; written < EarlyBackupRead.MIN_BYTES + (8 << 20); written += block.length) {
                random.nextBytes(block);
                out.write(block);
            }
        }
        return backup;
    }

    private static void waitForTheReadToEnd() throws InterruptedException {
        while (Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("dr-drill-early-backup-read"))) {
            Thread.sleep(10);
        }
    }
}
