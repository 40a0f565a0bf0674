package io.drdrill.manifest;

import io.drdrill.schedule.Schedule;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A drill manifest with every path already resolved against the manifest's folder.
 *
 * @param source    the manifest file itself (absolute)
 * @param sha256    SHA-256 of the manifest bytes, lower-case hex
 * @param schedule  when the server's scheduler starts this drill by itself ({@code schedule.cron}); empty means
 *                  only when someone starts it (or the catalog-wide default, which the server applies)
 */
public record Manifest(Path source, String sha256, Backup backup, Sbom sbom, Provenance provenance,
                       Restore restore, Policies policies, Optional<Schedule> schedule) {

    /** An unscheduled manifest. */
    public Manifest(Path source, String sha256, Backup backup, Sbom sbom, Provenance provenance, Restore restore,
                    Policies policies) {
        this(source, sha256, backup, sbom, provenance, restore, policies, Optional.empty());
    }

    /**
     * @param sha256 expected digest of the backup, normalised to lower-case hex without prefix
     * @param format how the payload is checked ({@code backup.format}, or implied by the file name)
     */
    public record Backup(Path path, String sha256, Instant capturedAt, BackupFormat format) {

        public Backup(Path path, String sha256, Instant capturedAt) {
            this(path, sha256, capturedAt, BackupFormat.byFileName(path.getFileName().toString())
                    .orElse(BackupFormat.RAW));
        }
    }

    /**
     * @param requireDigestMatch the SBOM must name the backup's SHA-256 ({@code sbom.require_digest_match}, default true)
     * @param minComponents      the SBOM must list at least this many components ({@code sbom.min_components},
     *                           default 1): an SBOM that lists nothing attests nothing about the backup
     */
    public record Sbom(Path path, boolean requireDigestMatch, int minComponents) {

        public static final int DEFAULT_MIN_COMPONENTS = 1;

        public Sbom(Path path, boolean requireDigestMatch) {
            this(path, requireDigestMatch, DEFAULT_MIN_COMPONENTS);
        }

        public Sbom(Path path) {
            this(path, true);
        }
    }

    /**
     * @param trustedKeys           PEM public keys or certificates ({@code provenance.trusted_keys})
     * @param requireSignature      the matching envelope must carry a signature by a trusted key
     *                              (default: true when keys are given)
     * @param expectedBuilderIds    when non-empty, the SLSA builder id must be one of these
     * @param allowedPredicateTypes when non-empty, the Statement's predicateType must be one of these
     */
    public record Provenance(Path path, List<Path> trustedKeys, boolean requireSignature,
                             List<String> expectedBuilderIds, List<String> allowedPredicateTypes) {

        public Provenance {
            trustedKeys = List.copyOf(trustedKeys);
            expectedBuilderIds = List.copyOf(expectedBuilderIds);
            allowedPredicateTypes = List.copyOf(allowedPredicateTypes);
        }

        /** Unsigned provenance, no builder or predicate restrictions. */
        public Provenance(Path path) {
            this(path, List.of(), false, List.of(), List.of());
        }
    }

    /**
     * @param script optional recall script; {@code copyBackup} copies the backup before the script runs
     * @param checks what must hold once the backup is restored ({@code restore.checks}), in the manifest's order
     * @param site   the recovery site whose workers carry out the restore ({@code restore.site}); empty for
     *               {@value RestoreSite#DEFAULT}
     */
    public record Restore(Path outputDir, Optional<Path> script, boolean copyBackup, long timeoutSeconds,
                          List<PostRestoreCheck> checks, Optional<String> site) {

        public static final long DEFAULT_TIMEOUT_SECONDS = 3600;

        public Restore {
            checks = List.copyOf(checks);
            site = site == null ? Optional.empty() : site;
        }

        /** At the default site. */
        public Restore(Path outputDir, Optional<Path> script, boolean copyBackup, long timeoutSeconds,
                       List<PostRestoreCheck> checks) {
            this(outputDir, script, copyBackup, timeoutSeconds, checks, Optional.empty());
        }

        /** The site the restore runs at: the manifest's, or {@value RestoreSite#DEFAULT}. */
        public String siteOrDefault() {
            return site.orElse(RestoreSite.DEFAULT);
        }

        /** Without post-restore checks. */
        public Restore(Path outputDir, Optional<Path> script, boolean copyBackup, long timeoutSeconds) {
            this(outputDir, script, copyBackup, timeoutSeconds, List.of());
        }

        /** Where the restored copy of the backup is expected. */
        public Path restoredFile(Path backup) {
            return outputDir.resolve(backup.getFileName().toString());
        }
    }

    /** Each limit is optional: empty means no limit. */
    public record Policies(Optional<Double> maxRpoMinutes, Optional<Double> maxRtoSeconds) {
    }
}
