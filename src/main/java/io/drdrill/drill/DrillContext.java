package io.drdrill.drill;

import io.drdrill.manifest.Manifest;
import io.drdrill.step.BackupReading;
import io.drdrill.step.Progress;
import io.drdrill.step.RestoredReading;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * What a step needs besides the manifest.
 *
 * @param now         the drill's notion of "now" for RPO ({@code --current-time} or the clock)
 * @param evidenceDir where restore logs are kept
 * @param rtoSeconds  measured by {@code restore_artifact}, needed by {@code enforce_policies}
 * @param restoredFileKey identity of the file {@code restore_artifact} restored, checked by
 *                    {@code validate_restored_backup}
 * @param progress    where the long parts of a step say how far they got
 * @param backupReading what {@code verify_backup_digest} read (digest, payload outcome, file identity), reported
 *                    by {@code verify_backup_payload} without reading the backup again
 * @param restoredReading what {@code restore_artifact} read back of its copy, reported by
 *                    {@code validate_restored_backup} without reading the copy again
 */
public record DrillContext(Manifest manifest, Instant now, Path evidenceDir, Optional<Double> rtoSeconds,
                           Optional<String> restoredFileKey, Progress progress, Optional<BackupReading> backupReading,
                           Optional<RestoredReading> restoredReading) {

    public DrillContext(Manifest manifest, Instant now, Path evidenceDir, Optional<Double> rtoSeconds,
                        Optional<String> restoredFileKey, Progress progress, Optional<BackupReading> backupReading) {
        this(manifest, now, evidenceDir, rtoSeconds, restoredFileKey, progress, backupReading, Optional.empty());
    }

    public DrillContext(Manifest manifest, Instant now, Path evidenceDir, Optional<Double> rtoSeconds,
                        Optional<String> restoredFileKey, Progress progress) {
        this(manifest, now, evidenceDir, rtoSeconds, restoredFileKey, progress, Optional.empty());
    }

    public DrillContext(Manifest manifest, Instant now, Path evidenceDir, Optional<Double> rtoSeconds,
                        Optional<String> restoredFileKey) {
        this(manifest, now, evidenceDir, rtoSeconds, restoredFileKey, Progress.NONE);
    }

    public DrillContext(Manifest manifest, Instant now, Path evidenceDir, Optional<Double> rtoSeconds) {
        this(manifest, now, evidenceDir, rtoSeconds, Optional.empty());
    }
}
