package io.drdrill.backup;

import io.drdrill.manifest.BackupFormat;
import io.drdrill.step.BackupReading;
import io.drdrill.step.DrDrillError;
import io.drdrill.step.Progress;
import io.drdrill.step.StepResult;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code verify_backup_digest}: the backup exists and its streamed SHA-256 equals the manifest's. The same read
 * checks the payload ({@link BackupReader}); what that found is in the result's measures for
 * {@code verify_backup_payload}, which reports it as its own outcome, so a broken payload still fails there.
 */
public final class BackupDigestCheck {

    /** The backup's file identity as it was read (device and inode, size, modification and change time). */
    public static final String IDENTITY_FACT = "backup_identity";
    /** The host that read it. */
    public static final String HOST_FACT = "backup_read_on";
    /** Present when the reading was taken while the headless drill's engine started ({@link EarlyBackupRead}). */
    public static final String EARLY_FACT = "backup_read_early";

    private final BackupReader reader = new BackupReader(new BackupPayloadCheck());

    /** The digest alone (the payload is read as {@code raw}). */
    public StepResult verify(Path backup, String expectedSha256) {
        return verify(backup, expectedSha256, Progress.NONE);
    }

    public StepResult verify(Path backup, String expectedSha256, Progress progress) {
        return verify(backup, expectedSha256, BackupFormat.RAW, progress);
    }

    /** The digest, and the payload of {@code format} checked from the same bytes. */
    public StepResult verify(Path backup, String expectedSha256, BackupFormat format, Progress progress) {
        Optional<BackupReading> early = EarlyBackupRead.take(backup, format, progress);
        BackupReading reading = early.orElseGet(() -> reader.read(backup, format, progress));
        if (!reading.sha256().equals(expectedSha256)) {
            throw new DrDrillError("backup digest mismatch: expected sha256:" + expectedSha256
                    + ", got sha256:" + reading.sha256());
        }
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("backup_sha256", "sha256:" + reading.sha256());
        facts.put("backup_bytes", reading.bytes());
        facts.put(IDENTITY_FACT, reading.identity());
        facts.put(HOST_FACT, reading.host());
        early.ifPresent(r -> facts.put(EARLY_FACT, "while the engine started, and the backup is still that file"));
        return new StepResult("sha256:" + reading.sha256() + " matches the manifest (" + reading.bytes() + " bytes)",
                facts, StepResult.Measures.read(reading));
    }
}
