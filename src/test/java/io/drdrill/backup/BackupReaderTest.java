package io.drdrill.backup;

import io.drdrill.manifest.BackupFormat;
import io.drdrill.step.BackupReading;
import io.drdrill.step.DrDrillError;
import io.drdrill.step.FileIdentity;
import io.drdrill.step.Progress;
import io.drdrill.step.Sha256;
import io.drdrill.step.StepResult;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One read of the backup gives the digest and the payload check, on one thread or on two joined by the pipe: the
 * same answers as hashing and checking in two passes, for every format, also when the parser stops early.
 */
class BackupReaderTest {

    @TempDir
    Path dir;

    private final BackupPayloadCheck payload = new BackupPayloadCheck();

    /** A JSON backup of {@code services} ready services, each padded so the file spans many pipe buffers. */
    private Path jsonBackup(String name, int services, String lastStatus) throws IOException {
        Path file = dir.resolve(name);
        String pad = "p".repeat(40_000);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write("{\"backup_id\":\"b\",\"services\":[".getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < services; i++) {
                String status = i == services - 1 ? lastStatus : "ready";
                out.write(((i == 0 ? "" : ",") + "{\"name\":\"svc-" + i + "\",\"status\":\"" + status + "\",\"pad\":\""
                        + pad + "\"}").getBytes(StandardCharsets.UTF_8));
            }
            out.write("]}".getBytes(StandardCharsets.UTF_8));
        }
        return file;
    }

    private static final class Counted implements Progress {
        final AtomicLong bytes = new AtomicLong();

        @Override
        public void bytes(String what, long done, long total) {
            bytes.set(done);
        }
    }

    @ParameterizedTest(name = "on two threads: {0}")
    @ValueSource(booleans = {true, false})
    void aJsonBackupSpanningManyBuffersIsHashedAndCheckedInOneRead(boolean parallel) throws IOException {
        // Given a 4 MB JSON backup, about sixteen times the pipe's buffers
        Path backup = jsonBackup("backup.json", 100, "ready");
        Counted progress = new Counted();

        // When it is read once
        BackupReading reading = new BackupReader(payload, parallel).read(backup, BackupFormat.JSON, progress);

        // Then its digest is the file's SHA-256, the payload passed as the two-pass check says, every byte was read
        // once, and the identity is the file's
        assertThat(reading.sha256()).isEqualTo(Sha256.of(backup));
        StepResult alone = payload.verify(backup, BackupFormat.JSON);
        assertThat(reading.passed()).isTrue();
        assertThat(reading.notes()).isEqualTo(alone.notes()).isEqualTo("100 services ready");
        assertThat(reading.facts()).isEqualTo(alone.facts());
        assertThat(reading.bytes()).isEqualTo(Files.size(backup));
        assertThat(progress.bytes.get()).isEqualTo(Files.size(backup));
        assertThat(reading.identity()).isEqualTo(FileIdentity.of(backup));
        assertThat(reading.machine()).isEqualTo(FileIdentity.machine());
        assertThat(reading.format()).isEqualTo("json");
    }

    @ParameterizedTest(name = "on two threads: {0}")
    @ValueSource(booleans = {true, false})
    void aPayloadThatFailsEarlyIsRecordedAndTheRestIsStillHashed(boolean parallel) throws IOException {
        // Given a 4 MB backup that is not JSON from its first byte
        Path backup = jsonBackup("backup.json", 100, "ready");
        byte[] bytes = Files.readAllBytes(backup);
        bytes[0] = 'X';
        Files.write(backup, bytes);

        // When it is read once
        BackupReading reading = new BackupReader(payload, parallel).read(backup, BackupFormat.JSON, Progress.NONE);

        // Then the payload failed with the check's own message, and the digest still covers the whole file
        assertThat(reading.passed()).isFalse();
        assertThat(reading.notes()).contains("is not valid JSON");
        assertThat(reading.sha256()).isEqualTo(Sha256.of(backup));
        assertThat(reading.bytes()).isEqualTo(bytes.length);
    }

    @ParameterizedTest(name = "on two threads: {0}")
    @ValueSource(booleans = {true, false})
    void unreadyServicesAtTheEndAreNamedAsTheTwoPassCheckNamesThem(boolean parallel) throws IOException {
        // Given a backup whose last service is degraded
        Path backup = jsonBackup("backup.json", 30, "degraded");

        // When it is read once
        BackupReading reading = new BackupReader(payload, parallel).read(backup, BackupFormat.JSON, Progress.NONE);

        // Then the failure is the one the payload check alone reports
        assertThat(reading.passed()).isFalse();
        assertThatThrownBy(() -> payload.verify(backup, BackupFormat.JSON)).hasMessage(reading.notes());
        assertThat(reading.notes()).isEqualTo("1 of 30 services not ready: svc-29 (degraded)");
    }

    @ParameterizedTest(name = "on two threads: {0}")
    @ValueSource(booleans = {true, false})
    void tarAndGzipArchivesAreCheckedFromTheSameBytesAsTheirDigest(boolean parallel) throws IOException {
        // Given a folder of files packed by the system's tar, plain and gzip-compressed
        Path content = Files.createDirectories(dir.resolve("content"));
        Archives.writeFile(content.resolve("big.txt"), Archives.text(3_000_000));
        Archives.writeFile(content.resolve("small.txt"), "hello\n");
        Archives.run(dir, "tar", "-cf", "backup.tar", "content");
        Archives.run(dir, "tar", "-czf", "backup.tar.gz", "content");
        BackupReader reader = new BackupReader(payload, parallel);

        for (var format : List.of(BackupFormat.TAR, BackupFormat.TAR_GZ)) {
            Path archive = dir.resolve(format == BackupFormat.TAR ? "backup.tar" : "backup.tar.gz");

            // When each is read once
            BackupReading reading = reader.read(archive, format, Progress.NONE);

            // Then digest and payload are those of the two separate passes
            StepResult alone = payload.verify(archive, format);
            assertThat(reading.sha256()).isEqualTo(Sha256.of(archive));
            assertThat(reading.passed()).as(reading.notes()).isTrue();
            assertThat(reading.notes()).isEqualTo(alone.notes());
            assertThat(reading.facts()).isEqualTo(alone.facts());
        }
    }

    @ParameterizedTest(name = "on two threads: {0}")
    @ValueSource(booleans = {true, false})
    void aDamagedGzipArchiveIsAFailedPayloadNotAFailedRead(boolean parallel) throws IOException {
        // Given a gzip-compressed archive with a byte flipped in its compressed data
        Path content = Files.createDirectories(dir.resolve("content"));
        Archives.writeFile(content.resolve("big.txt"), Archives.text(2_000_000));
        Archives.run(dir, "tar", "-czf", "backup.tar.gz", "content");
        Path archive = dir.resolve("backup.tar.gz");
        Archives.flip(archive, (int) (Files.size(archive) / 2), 0x10);

        // When it is read once
        BackupReading reading = new BackupReader(payload, parallel).read(archive, BackupFormat.TAR_GZ, Progress.NONE);

        // Then the digest is that of the damaged file and the payload failure is what the check alone says
        assertThat(reading.sha256()).isEqualTo(Sha256.of(archive));
        assertThat(reading.passed()).isFalse();
        assertThatThrownBy(() -> payload.verify(archive, BackupFormat.TAR_GZ)).hasMessage(reading.notes());
    }

    @ParameterizedTest(name = "on two threads: {0}")
    @ValueSource(booleans = {true, false})
    void aRawBackupIsHashedAndItsPayloadIsOpaque(boolean parallel) throws IOException {
        // Given opaque bytes
        Path backup = Archives.writeFile(dir.resolve("backup.bin"), Archives.text(700_000));

        // When it is read once
        BackupReading reading = new BackupReader(payload, parallel).read(backup, BackupFormat.RAW, Progress.NONE);

        // Then the digest is the file's and the payload passes as raw
        assertThat(reading.sha256()).isEqualTo(Sha256.of(backup));
        assertThat(reading.passed()).isTrue();
        assertThat(reading.facts()).containsEntry("backup_format", "raw");
    }

    @ParameterizedTest(name = "on two threads: {0}")
    @ValueSource(booleans = {true, false})
    void anEmptyBackupHasTheEmptyDigestAndAFailedJsonPayload(boolean parallel) throws IOException {
        // Given an empty file named as JSON
        Path backup = Archives.writeFile(dir.resolve("backup.json"), "");

        // When it is read once
        BackupReading reading = new BackupReader(payload, parallel).read(backup, BackupFormat.JSON, Progress.NONE);

        // Then the digest is that of no bytes and the payload is not a JSON object
        assertThat(reading.sha256()).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(reading.passed()).isFalse();
        assertThat(reading.bytes()).isZero();
    }

    @ParameterizedTest(name = "on two threads: {0}")
    @ValueSource(booleans = {true, false})
    void aMissingBackupOrAFolderFailsTheRead(boolean parallel) throws IOException {
        // Given no backup, and a folder where it should be
        BackupReader reader = new BackupReader(payload, parallel);
        Path folder = Files.createDirectories(dir.resolve("folder.json"));

        // When / Then each fails the read with one line
        assertThatThrownBy(() -> reader.read(dir.resolve("missing.json"), BackupFormat.JSON, Progress.NONE))
                .isInstanceOf(DrDrillError.class).hasMessageContaining("does not exist or is not a regular file");
        assertThatThrownBy(() -> reader.read(folder, BackupFormat.JSON, Progress.NONE))
                .isInstanceOf(DrDrillError.class).hasMessageContaining("not a regular file");
    }

    @ParameterizedTest(name = "on two threads: {0}")
    @ValueSource(booleans = {true, false})
    void aBackupWrittenWhileItIsReadFailsTheRead(boolean parallel) throws IOException {
        // Given a 4 MB backup that another process appends to as soon as the read has begun
        Path backup = jsonBackup("backup.json", 100, "ready");
        Progress appender = new Progress() {
            boolean done;

            @Override
            public void bytes(String what, long read, long total) {
                if (!done) {
                    done = true;
                    try {
                        Files.write(backup, " ".getBytes(StandardCharsets.UTF_8),
                                java.nio.file.StandardOpenOption.APPEND);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            }
        };

        // When / Then the read fails: what was hashed is not what is there
        assertThatThrownBy(() -> new BackupReader(payload, parallel).read(backup, BackupFormat.JSON, appender))
                .isInstanceOf(DrDrillError.class).hasMessageContaining("changed while it was read")
                .hasMessageNotContaining("\n");
    }
}
