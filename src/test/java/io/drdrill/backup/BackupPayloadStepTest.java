package io.drdrill.backup;

import io.drdrill.manifest.BackupFormat;
import io.drdrill.step.BackupReading;
import io.drdrill.step.DrDrillError;
import io.drdrill.step.FileIdentity;
import io.drdrill.step.Progress;
import io.drdrill.step.StepResult;
import io.drdrill.testsupport.TestBundle;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code verify_backup_payload} after {@code verify_backup_digest}: the digest step's reading is the answer while
 * the backup is provably the file it read, a changed backup fails, and where it cannot be told the backup is read
 * again. Reads are counted by the progress the reading loop reports to.
 */
class BackupPayloadStepTest {

    @TempDir
    Path dir;

    private final BackupDigestCheck digest = new BackupDigestCheck();
    private final BackupPayloadCheck payload = new BackupPayloadCheck();
    private final AtomicLong bytesRead = new AtomicLong();
    private final Progress counting = new Progress() {
        @Override
        public void bytes(String what, long done, long total) {
            bytesRead.set(done);
        }
    };
    private TestBundle bundle;

    @BeforeEach
    void aBundle() {
        bundle = TestBundle.create(dir.resolve("bundle")).withReadyServices(4).write();
    }

    private BackupReading digestStep() {
        StepResult result = digest.verify(bundle.backupPath(), bundle.backupSha256(), BackupFormat.JSON, Progress.NONE);
        return result.measures().backupReading().orElseThrow();
    }

    private StepResult payloadStep(Optional<BackupReading> recorded) {
        return payload.verify(bundle.backupPath(), BackupFormat.JSON, bundle.backupSha256(), recorded, counting);
    }

    private static BackupReading onAnotherHost(BackupReading reading) {
        return new BackupReading(reading.sha256(), reading.bytes(), reading.identity(), "engine-node-2/boot-1",
                "engine-node-2", reading.format(), reading.notes(), reading.facts(), reading.passed());
    }

    @Test
    void theDigestStepRecordsThePayloadOutcomeAndTheFilesIdentity() throws IOException {
        // Given a sound bundle
        // When the digest step runs
        StepResult result = digest.verify(bundle.backupPath(), bundle.backupSha256(), BackupFormat.JSON, counting);

        // Then it read the whole backup once, and its facts and measures say what the payload check found in it
        assertThat(bytesRead.get()).isEqualTo(Files.size(bundle.backupPath()));
        assertThat(result.facts()).containsEntry(BackupDigestCheck.IDENTITY_FACT, FileIdentity.of(bundle.backupPath()))
                .containsEntry(BackupDigestCheck.HOST_FACT, FileIdentity.host());
        BackupReading reading = result.measures().backupReading().orElseThrow();
        assertThat(reading.passed()).isTrue();
        assertThat(reading.notes()).isEqualTo("4 services ready");
    }

    @Test
    void theUnchangedBackupIsNotReadAgainAndTheRecordedOutcomeIsTheStepsResult() {
        // Given the digest step's reading of the backup
        BackupReading reading = digestStep();

        // When the payload step runs on the same machine
        StepResult result = payloadStep(Optional.of(reading));

        // Then it passed with the payload's facts without reading a byte
        assertThat(bytesRead.get()).isZero();
        assertThat(result.notes()).isEqualTo("4 services ready");
        assertThat(result.facts()).containsEntry("backup_format", "json").containsEntry("services_checked", 4)
                .containsEntry(BackupPayloadCheck.READ_FACT, "once, with the digest (verify_backup_digest on "
                        + FileIdentity.host() + ")");
    }

    @Test
    void aBrokenPayloadFoundByTheDigestStepFailsThePayloadStep() throws IOException {
        // Given a bundle with a degraded service, whose manifest names the backup's real digest
        bundle = TestBundle.create(dir.resolve("degraded")).withService("db", "degraded").write();

        // When the digest step runs, then the payload step
        BackupReading reading = digestStep();

        // Then the digest step passed, and the payload step fails with the payload's reason, reading nothing
        assertThat(reading.passed()).isFalse();
        assertThatThrownBy(() -> payloadStep(Optional.of(reading))).isInstanceOf(DrDrillError.class)
                .hasMessage("1 of 4 services not ready: db (degraded)")
                .satisfies(e -> assertThat(((DrDrillError) e).facts())
                        .containsKey(BackupPayloadCheck.READ_FACT));
        assertThat(bytesRead.get()).isZero();
    }

    @Test
    void aBackupRewrittenAfterItsDigestWasCheckedFailsWithTheReason() throws IOException {
        // Given the digest step's reading, then the backup written anew with other content
        BackupReading reading = digestStep();
        Files.writeString(bundle.backupPath(), "{\"services\":[{\"name\":\"x\",\"status\":\"ready\"}]}");

        // When / Then the payload step fails in one line, saying the backup changed after its digest was checked
        assertThatThrownBy(() -> payloadStep(Optional.of(reading))).isInstanceOf(DrDrillError.class)
                .hasMessageStartingWith("backup " + bundle.backupPath() + " changed after its digest was checked (")
                .hasMessageContaining("size changed")
                .hasMessageNotContaining("\n");
        assertThat(bytesRead.get()).isZero();
    }

    @Test
    void aSameSizeRewriteWithItsModificationTimeSetBackIsStillNoticed() throws IOException {
        // Given the digest step's reading, then one byte of the backup changed in place and its mtime put back
        BackupReading reading = digestStep();
        Path backup = bundle.backupPath();
        FileTime modified = Files.getLastModifiedTime(backup);
        byte[] bytes = Files.readAllBytes(backup);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(backup, bytes);
        Files.setLastModifiedTime(backup, modified);

        // When / Then only the change time tells, so the backup is read again, and its digest no longer matches
        assertThatThrownBy(() -> payloadStep(Optional.of(reading))).isInstanceOf(DrDrillError.class)
                .hasMessageContaining("changed after its digest was checked (read again: its status change time moved")
                .hasMessageContaining("expected sha256:" + bundle.backupSha256());
        assertThat(bytesRead.get()).isEqualTo(bytes.length);
    }

    @Test
    void onlyItsAttributesChangedThenTheBackupIsReadAgainAndPasses() throws IOException {
        // Given the digest step's reading, then the backup's mode changed (its change time moves, not its bytes)
        BackupReading reading = digestStep();
        Files.setPosixFilePermissions(bundle.backupPath(), Set.of(PosixFilePermission.OWNER_READ));

        // When the payload step runs
        StepResult result = payloadStep(Optional.of(reading));

        // Then it read the backup again, found the digest unchanged and the payload sound
        assertThat(bytesRead.get()).isEqualTo(Files.size(bundle.backupPath()));
        assertThat(result.facts()).containsEntry("services_checked", 4);
        assertThat((String) result.facts().get(BackupPayloadCheck.READ_FACT)).startsWith("again, with the digest (");
    }

    @Test
    void aReadingFromAnotherHostIsNotComparableSoTheBackupIsReadAgain() {
        // Given a reading recorded by another engine node
        BackupReading elsewhere = onAnotherHost(digestStep());

        // When the payload step runs here
        StepResult result = payloadStep(Optional.of(elsewhere));

        // Then it read the backup again, digest and payload, and says why
        assertThat(bytesRead.get()).isEqualTo(elsewhere.bytes());
        assertThat(result.notes()).isEqualTo("4 services ready");
        assertThat(result.facts()).containsEntry(BackupPayloadCheck.READ_FACT, "again, with the digest "
                + "(verify_backup_digest read it on engine-node-2, this step runs on " + FileIdentity.host() + ")");
    }

    @Test
    void aBackupChangedBehindAReadingFromAnotherHostFailsOnItsDigest() throws IOException {
        // Given a reading recorded by another engine node, then the backup changed
        BackupReading elsewhere = onAnotherHost(digestStep());
        Files.writeString(bundle.backupPath(), "{\"services\":[{\"name\":\"x\",\"status\":\"ready\"}]}");

        // When / Then the payload step reads it again and fails: its digest is no longer the manifest's
        assertThatThrownBy(() -> payloadStep(Optional.of(elsewhere))).isInstanceOf(DrDrillError.class)
                .hasMessageContaining("changed after its digest was checked (read again: verify_backup_digest read it "
                        + "on engine-node-2")
                .hasMessageContaining("expected sha256:" + bundle.backupSha256());
    }

    @Test
    void withoutAReadingTheBackupIsReadAgain() throws IOException {
        // Given no reading (a drill whose digest step recorded none)
        // When the payload step runs
        StepResult result = payloadStep(Optional.empty());

        // Then it read and checked the backup itself
        assertThat(bytesRead.get()).isEqualTo(Files.size(bundle.backupPath()));
        assertThat(result.facts()).containsEntry(BackupPayloadCheck.READ_FACT,
                "again, with the digest (verify_backup_digest recorded no reading)");
    }
}
