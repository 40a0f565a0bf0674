package io.drdrill.restore;

import io.drdrill.step.RestoredReading;

import java.nio.file.Path;
import java.util.Optional;

/**
 * @param durationSeconds wall time of the whole restore (copy and recall script, until the script exited): the
 *                        drill's RTO
 * @param stdoutLog       recall script stdout, when a script ran
 * @param stderrLog       recall script stderr, when a script ran
 * @param restoredFileKey identity of the restored file as restored (see {@link io.drdrill.step.FileIdentity})
 * @param containment     how the recall script was kept from outliving the restore, when a script ran
 * @param readBack        the restored copy as {@code copy_backup} read it back while writing it, when no recall
 *                        script ran after the copy
 */
public record RestoreResult(Path restoredFile, double durationSeconds, Optional<Path> stdoutLog,
                            Optional<Path> stderrLog, String restoredFileKey, Optional<Containment> containment,
                            Optional<RestoredReading> readBack) {

    public RestoreResult(Path restoredFile, double durationSeconds, Optional<Path> stdoutLog,
                         Optional<Path> stderrLog, String restoredFileKey, Optional<Containment> containment) {
        this(restoredFile, durationSeconds, stdoutLog, stderrLog, restoredFileKey, containment, Optional.empty());
    }

    public RestoreResult(Path restoredFile, double durationSeconds, Optional<Path> stdoutLog,
                         Optional<Path> stderrLog, String restoredFileKey) {
        this(restoredFile, durationSeconds, stdoutLog, stderrLog, restoredFileKey, Optional.empty());
    }
}
