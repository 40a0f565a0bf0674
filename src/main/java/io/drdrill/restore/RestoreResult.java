package io.drdrill.restore;

import java.nio.file.Path;
import java.util.Optional;

/**
 * @param durationSeconds wall time of the whole restore (copy and recall script): the drill's RTO
 * @param stdoutLog       recall script stdout, when a script ran
 * @param stderrLog       recall script stderr, when a script ran
 * @param restoredFileKey identity of the restored file as restored (see {@link FileIdentity})
 */
public record RestoreResult(Path restoredFile, double durationSeconds, Optional<Path> stdoutLog,
                            Optional<Path> stderrLog, String restoredFileKey) {
}
