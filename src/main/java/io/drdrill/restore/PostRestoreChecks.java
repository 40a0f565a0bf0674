package io.drdrill.restore;

import io.drdrill.manifest.DrillInputs;
import io.drdrill.manifest.Manifest;
import io.drdrill.manifest.PostRestoreCheck;
import io.drdrill.step.DrDrillError;
import io.drdrill.step.Text;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code restore.checks}, run by {@code validate_restored_backup} once the restored copy's digest matched: each
 * check in the manifest's order, each timed and recorded on its own. The first check that fails ends the run and
 * the rest are recorded as skipped: a later check usually depends on an earlier one (the port before the query),
 * and a broken restore should not spend every remaining timeout before it is reported.
 */
public final class PostRestoreChecks {

    /** The report's notes key: a list of {@link CheckOutcome#toFact()} maps. */
    public static final String FACT = "post_restore_checks";
    /** A check command's output is kept up to this size, per stream. */
    static final long LOG_LIMIT_BYTES = 1L << 20;

    private final List<Path> allowedScriptDirs;
    private final Optional<RecallWrapper> wrapper;

    PostRestoreChecks(List<Path> allowedScriptDirs, Optional<RecallWrapper> wrapper) {
        this.allowedScriptDirs = List.copyOf(allowedScriptDirs);
        this.wrapper = wrapper;
    }

    /** Where checks run: the drill's manifest, the restored copy, and the folder for command logs. */
    record Site(Manifest manifest, Path restoredFile, Path logDir, List<Path> allowedScriptDirs,
                RecallWrapper wrapper) {
    }

    /** A check found the restored system wanting; {@code detail} says what it saw. */
    static final class Failed extends RuntimeException {
        private final Map<String, String> logs;

        Failed(String detail) {
            this(detail, Map.of());
        }

        Failed(String detail, Map<String, String> logs) {
            super(detail, null, false, false);
            this.logs = Map.copyOf(logs);
        }

        Map<String, String> logs() {
            return logs;
        }
    }

    /** What a passed check saw, and the logs it left. */
    record Passed(String detail, Map<String, String> logs) {
        Passed(String detail) {
            this(detail, Map.of());
        }
    }

    /**
     * Runs the manifest's checks in order, up to the first failure.
     *
     * @param logDir where a command check's output goes ({@code check-<name>-stdout.log}, {@code -stderr.log})
     * @return one outcome per check of the manifest, the ones after a failure {@code skipped}
     */
    public List<CheckOutcome> run(Manifest manifest, Path logDir) {
        Site site = new Site(manifest, manifest.restore().restoredFile(manifest.backup().path()), logDir,
                allowedScriptDirs, wrapper.orElseGet(RecallWrapper::detected));
        List<CheckOutcome> outcomes = new ArrayList<>();
        Optional<String> failed = Optional.empty();
        for (PostRestoreCheck check : manifest.restore().checks()) {
            if (failed.isPresent()) {
                outcomes.add(CheckOutcome.skipped(check, Instant.now(), "not run: check '" + failed.get() + "' failed"));
                continue;
            }
            CheckOutcome outcome = runOne(check, site);
            outcomes.add(outcome);
            if (outcome.status() == CheckOutcome.Status.FAILED) {
                failed = Optional.of(check.name());
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new DrDrillError("post-restore checks were interrupted at check '" + check.name() + "'");
            }
        }
        return outcomes;
    }

    /**
     * Removes command-check logs an earlier drill left in {@code logDir} ({@code check-*-stdout.log},
     * {@code check-*-stderr.log}), so that none sits beside a report that did not produce it; a file that is one
     * of the drill's inputs is never touched. Best effort: a folder that cannot be read is left as it is.
     */
    public static void removeStaleLogs(Manifest manifest, Path logDir) {
        if (!Files.isDirectory(logDir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        List<Path> inputs = new ArrayList<>();
        for (DrillInputs.Input input : DrillInputs.of(manifest)) {
            try {
                inputs.add(input.path().toRealPath());
            } catch (IOException e) {
                // an input that does not exist cannot be deleted
            }
        }
        try (DirectoryStream<Path> logs = Files.newDirectoryStream(logDir, "check-*-std{out,err}.log")) {
            for (Path log : logs) {
                Path real = logDir.toRealPath().resolve(log.getFileName());
                if (!inputs.contains(real) && !Files.isDirectory(log, LinkOption.NOFOLLOW_LINKS)) {
                    Files.deleteIfExists(log);
                }
            }
        } catch (IOException e) {
            // best effort: a folder that cannot be listed fails the drill where its logs are written, not here
        }
    }

    /** The one-line error of a failed check, e.g. {@code post-restore check 'orders' (postgres) failed: …}. */
    public static String failure(CheckOutcome outcome) {
        return "post-restore check '" + outcome.name() + "' (" + outcome.type() + ") failed: " + outcome.detail();
    }

    private static CheckOutcome runOne(PostRestoreCheck check, Site site) {
        Instant started = Instant.now();
        CheckOutcome.Status status;
        String detail;
        Map<String, String> logs;
        try {
            Passed passed;
            if (check instanceof PostRestoreCheck.Command command) {
                passed = CommandProbe.run(command, site);
            } else if (check instanceof PostRestoreCheck.Http http) {
                passed = HttpProbe.run(http);
            } else if (check instanceof PostRestoreCheck.Tcp tcp) {
                passed = TcpProbe.run(tcp);
            } else {
                passed = PostgresProbe.run((PostRestoreCheck.Postgres) check, site.manifest());
            }
            status = CheckOutcome.Status.PASSED;
            detail = passed.detail();
            logs = passed.logs();
        } catch (Failed failed) {
            status = CheckOutcome.Status.FAILED;
            detail = failed.getMessage();
            logs = failed.logs();
        } catch (DrDrillError error) {
            status = CheckOutcome.Status.FAILED;
            detail = error.getMessage();
            logs = Map.of();
        } catch (RuntimeException unexpected) {
            // a check never passes by accident, and one that breaks is reported as that check's failure
            status = CheckOutcome.Status.FAILED;
            detail = "technical failure: " + unexpected.getClass().getName() + ": " + unexpected.getMessage();
            logs = Map.of();
        }
        return new CheckOutcome(check.name(), check.type(), status, started, Instant.now(),
                Text.shorten(detail, 1000), logs);
    }
}
