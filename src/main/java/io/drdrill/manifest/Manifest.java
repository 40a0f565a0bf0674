package io.drdrill.manifest;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * A drill manifest with every path already resolved against the manifest's folder.
 *
 * @param source    the manifest file itself (absolute)
 * @param sha256    SHA-256 of the manifest bytes, lower-case hex
 */
public record Manifest(Path source, String sha256, Backup backup, Path sbom, Path provenance,
                       Restore restore, Policies policies) {

    /** @param sha256 expected digest of the backup, normalised to lower-case hex without prefix */
    public record Backup(Path path, String sha256, Instant capturedAt) {
    }

    /** @param script optional recall script; {@code copyBackup} copies the backup before the script runs */
    public record Restore(Path outputDir, Optional<Path> script, boolean copyBackup, long timeoutSeconds) {

        public static final long DEFAULT_TIMEOUT_SECONDS = 3600;

        /** Where the restored copy of the backup is expected. */
        public Path restoredFile(Path backup) {
            return outputDir.resolve(backup.getFileName().toString());
        }
    }

    /** Each limit is optional: empty means no limit. */
    public record Policies(Optional<Double> maxRpoMinutes, Optional<Double> maxRtoSeconds) {
    }
}
