package io.drdrill.restore;

import io.drdrill.step.DrDrillError;
import io.drdrill.manifest.Manifest;
import io.drdrill.testsupport.TestBundle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class RestoreRunnerTest {

    /** Variables a POSIX shell may add on its own; anything else must come from the runner. */
    private static final Set<String> SHELL_VARS = Set.of("PWD", "OLDPWD", "SHLVL", "_");
    private static final Set<String> DRILL_VARS = Set.of("PATH", "LANG", "BACKUP_PATH", "PROVENANCE_PATH",
            "SBOM_PATH", "RESTORE_DIR");

    @TempDir
    Path tempDir;

    private Path bundle;
    private Path backup;
    private Path sbom;
    private Path provenance;
    private Path restoreDir;
    private Path logDir;
    private final RestoreRunner runner = new RestoreRunner(List.of());
    private final List<Survivors> markers = new java.util.ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        bundle = Files.createDirectories(tempDir.resolve("bundle"));
        backup = Files.writeString(bundle.resolve("backup.json"),
                "{\"services\":[{\"name\":\"db\",\"status\":\"ready\"}]}\n");
        sbom = Files.writeString(bundle.resolve("sbom.cdx.json"), "{}");
        provenance = Files.writeString(bundle.resolve("provenance.json"), "{}");
        restoreDir = bundle.resolve("restored");
        logDir = tempDir.resolve("evidence").resolve(RestoreRunner.LOG_DIR);
    }

    private Manifest manifest(Path script, boolean copyBackup, long timeoutSeconds) {
        return new Manifest(bundle.resolve("manifest.json"), "0".repeat(64),
                new Manifest.Backup(backup, "0".repeat(64), Instant.parse("2026-01-31T23:00:00Z")),
                new Manifest.Sbom(sbom), new Manifest.Provenance(provenance),
                new Manifest.Restore(restoreDir, Optional.ofNullable(script), copyBackup, timeoutSeconds),
                new Manifest.Policies(Optional.empty(), Optional.empty()));
    }

    private Manifest withScript(Path script) {
        return manifest(script, false, 60);
    }

    private Path script(String name, String body) throws IOException {
        return TestBundle.writeExecutable(bundle.resolve(name), "#!/bin/sh\n" + body);
    }

    private static Map<String, String> parseEnv(Path envFile) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(envFile, StandardCharsets.UTF_8)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return env;
    }

    // ------------------------------------------------------------------ copy_backup

    @Test
    void copyBackupCopiesTheBackupIntoTheRestoreFolder() throws IOException {
        // Given copy_backup and no script, and a restore folder that does not exist yet
        assertThat(restoreDir).doesNotExist();

        // When the restore runs
        RestoreResult result = runner.restore(manifest(null, true, 60), logDir);

        // Then the backup is copied, no script logs exist and a duration was measured
        assertThat(result.restoredFile()).isEqualTo(restoreDir.resolve("backup.json"));
        assertThat(result.restoredFile()).hasSameBinaryContentAs(backup);
        assertThat(backup).exists();
        assertThat(result.stdoutLog()).isEmpty();
        assertThat(result.stderrLog()).isEmpty();
        assertThat(logDir).doesNotExist();
        assertThat(result.durationSeconds()).isGreaterThan(0);
    }

    @Test
    void anOutputDirThatLinksToTheBackupsFolderNeverDeletesTheBackup() throws IOException {
        // Given output_dir is a symbolic link to the folder that holds the backup
        byte[] original = Files.readAllBytes(backup);
        Path link = Files.createSymbolicLink(bundle.resolve("restore-link"), backup.getParent());
        Manifest manifest = new Manifest(bundle.resolve("manifest.json"), "0".repeat(64),
                new Manifest.Backup(backup, "0".repeat(64), Instant.parse("2026-01-31T23:00:00Z")),
                new Manifest.Sbom(sbom), new Manifest.Provenance(provenance),
                new Manifest.Restore(link, Optional.empty(), true, 60),
                new Manifest.Policies(Optional.empty(), Optional.empty()));

        // When the restore runs, then it refuses and the backup is untouched
        assertThatThrownBy(() -> runner.restore(manifest, logDir)).isInstanceOf(DrDrillError.class)
                .hasMessageContaining("backup's own folder");
        assertThat(backup).exists().hasBinaryContent(original);
    }

    @Test
    void copyBackupReplacesAStaleCopy() throws IOException {
        // Given a restored copy left by an earlier drill with other content
        Files.createDirectories(restoreDir);
        Files.writeString(restoreDir.resolve("backup.json"), "stale");

        // When the restore runs with copy_backup
        RestoreResult result = runner.restore(manifest(null, true, 60), logDir);

        // Then the copy is fresh
        assertThat(result.restoredFile()).hasSameBinaryContentAs(backup);
    }

    @Test
    void restoreIntoTheBackupsOwnFolderNeverDeletesTheBackup() throws IOException {
        // Given output_dir = the folder holding the backup, with copy_backup
        byte[] original = Files.readAllBytes(backup);
        Manifest manifest = new Manifest(bundle.resolve("manifest.json"), "0".repeat(64),
                new Manifest.Backup(backup, "0".repeat(64), Instant.parse("2026-01-31T23:00:00Z")),
                new Manifest.Sbom(sbom), new Manifest.Provenance(provenance),
                new Manifest.Restore(bundle, Optional.empty(), true, 60),
                new Manifest.Policies(Optional.empty(), Optional.empty()));

        // When the restore runs (it may refuse)
        try {
            runner.restore(manifest, logDir);
        } catch (DrDrillError refused) {
            // refusing is fine
        }

        // Then the backup itself is untouched
        assertThat(backup).exists().hasBinaryContent(original);
    }

    // ------------------------------------------------------------------ recall script

    @Test
    void scriptReceivesFourArgumentsAndOnlyTheDrillEnvironment() throws IOException {
        // Given a script recording its arguments, working folder and environment
        Path script = script("recall.sh", """
                printf '%s\\n' "$@" > "$RESTORE_DIR/args.txt"
                pwd > "$RESTORE_DIR/pwd.txt"
                env > "$RESTORE_DIR/env.txt"
                cat > "$RESTORE_DIR/stdin.txt"
                cp "$BACKUP_PATH" "$RESTORE_DIR/backup.json"
                """);

        // When the restore runs
        RestoreResult result = runner.restore(withScript(script), logDir);

        // Then the script got BACKUP PROVENANCE SBOM RESTORE_DIR as arguments
        assertThat(Files.readAllLines(restoreDir.resolve("args.txt"))).containsExactly(
                backup.toString(), provenance.toString(), sbom.toString(), restoreDir.toString());
        // and ran in the restore folder with nothing on stdin
        assertThat(Path.of(Files.readString(restoreDir.resolve("pwd.txt")).strip()).toRealPath())
                .isEqualTo(restoreDir.toRealPath());
        assertThat(restoreDir.resolve("stdin.txt")).isEmptyFile();
        // and the four drill variables, a safe PATH and LANG
        Map<String, String> env = parseEnv(restoreDir.resolve("env.txt"));
        assertThat(env)
                .containsEntry("BACKUP_PATH", backup.toString())
                .containsEntry("PROVENANCE_PATH", provenance.toString())
                .containsEntry("SBOM_PATH", sbom.toString())
                .containsEntry("RESTORE_DIR", restoreDir.toString())
                .containsEntry("PATH", "/usr/local/bin:/usr/bin:/bin")
                .containsEntry("LANG", "C.UTF-8");
        // and nothing else from the parent environment
        assertThat(env.keySet()).allSatisfy(name -> assertThat(name).isIn(union(DRILL_VARS, SHELL_VARS)));
        assertThat(env).doesNotContainKeys("JAVA_HOME", "USER", "HOME", "MAVEN_OPTS", "LOGNAME", "AWS_SECRET_ACCESS_KEY");
        System.getenv().keySet().stream()
                .filter(name -> !DRILL_VARS.contains(name) && !SHELL_VARS.contains(name))
                .forEach(name -> assertThat(env).as("parent variable %s leaked", name).doesNotContainKey(name));
        // and the restored file is the script's copy
        assertThat(result.restoredFile()).hasSameBinaryContentAs(backup);
    }

    @Test
    void scriptOutputLandsInTheLogFiles() throws IOException {
        // Given a script writing to stdout and stderr, and a log folder that does not exist yet
        Path script = script("recall.sh", """
                echo "restoring $BACKUP_PATH"
                echo "progress 50%" >&2
                cp "$1" "$4/"
                echo "done"
                """);

        // When the restore runs
        RestoreResult result = runner.restore(withScript(script), logDir);

        // Then the output is in recall-stdout.log and recall-stderr.log in the given folder
        Path stdout = logDir.resolve("recall-stdout.log");
        Path stderr = logDir.resolve("recall-stderr.log");
        assertThat(result.stdoutLog()).contains(stdout);
        assertThat(result.stderrLog()).contains(stderr);
        assertThat(stdout).hasContent("restoring " + backup + "\ndone\n");
        assertThat(stderr).hasContent("progress 50%\n");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aChattyScriptsLogIsCutAtTheLimitAndTheScriptNeverBlocks() throws IOException {
        // Given a script that writes 2 MiB more than the log limit to stdout, then finishes its restore
        Path script = script("recall.sh", """
                head -c %d /dev/zero | tr '\\0' x
                echo "still running" >&2
                cp "$BACKUP_PATH" "$RESTORE_DIR/"
                """.formatted(RestoreRunner.LOG_LIMIT_BYTES + (2 << 20)));

        // When the restore runs
        RestoreResult result = runner.restore(withScript(script), logDir);

        // Then the script ran to its end, and the stdout log holds exactly the limit and a note
        assertThat(result.restoredFile()).hasSameBinaryContentAs(backup);
        assertThat(logDir.resolve(RestoreRunner.STDERR_LOG)).hasContent("still running\n");
        String note = "\n[log truncated at " + RestoreRunner.LOG_LIMIT_BYTES + " bytes]\n";
        Path stdout = logDir.resolve(RestoreRunner.STDOUT_LOG);
        assertThat(Files.size(stdout)).isEqualTo(RestoreRunner.LOG_LIMIT_BYTES + note.length());
        try (var in = Files.newInputStream(stdout)) {
            assertThat(in.skip(RestoreRunner.LOG_LIMIT_BYTES - 1)).isEqualTo(RestoreRunner.LOG_LIMIT_BYTES - 1);
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("x" + note);
        }
    }

    @Test
    void outputStillInThePipeWhenTheScriptExitsIsKept() throws IOException {
        // Given a script that writes far more than a pipe holds and exits the moment it has written it
        Path script = script("recall.sh", """
                cp "$BACKUP_PATH" "$RESTORE_DIR/"
                seq 1 100000
                printf 'last words'
                """);

        // When the restore runs
        runner.restore(withScript(script), logDir);

        // Then every byte is in the log, up to the last one written before the exit
        StringBuilder expected = new StringBuilder();
        for (int i = 1; i <= 100000; i++) {
            expected.append(i).append('\n');
        }
        assertThat(logDir.resolve(RestoreRunner.STDOUT_LOG)).hasContent(expected + "last words");
    }

    @Test
    void logFilesOfAnEarlierRunAreOverwritten() throws IOException {
        // Given logs left by an earlier run
        Files.createDirectories(logDir);
        Files.writeString(logDir.resolve(RestoreRunner.STDOUT_LOG), "old stdout\n".repeat(100));
        Files.writeString(logDir.resolve(RestoreRunner.STDERR_LOG), "old stderr\n");
        Path script = script("recall.sh", "echo new\ncp \"$1\" \"$4/\"\n");

        // When the restore runs
        runner.restore(withScript(script), logDir);

        // Then the logs hold only this run's output
        assertThat(logDir.resolve(RestoreRunner.STDOUT_LOG)).hasContent("new\n");
        assertThat(logDir.resolve(RestoreRunner.STDERR_LOG)).isEmptyFile();
    }

    @Test
    void nonZeroExitFailsWithTheCodeAndTheLastStderrLine() throws IOException {
        // Given a script that complains and exits with 3
        Path script = script("recall.sh", """
                echo "first problem" >&2
                echo "disk on fire" >&2
                echo "" >&2
                exit 3
                """);

        // When / Then the restore fails naming the exit code and the last non-blank stderr line
        assertThatThrownBy(() -> runner.restore(withScript(script), logDir))
                .isInstanceOf(DrDrillError.class)
                .hasMessageContaining("exited with code 3")
                .hasMessageEndingWith(": disk on fire")
                .hasMessageNotContaining("first problem");
        assertThat(logDir.resolve(RestoreRunner.STDERR_LOG)).content().contains("first problem", "disk on fire");
    }

    @Test
    void failedScriptErrorNamesTheLogFiles() throws IOException {
        // Given a failing script
        Path script = script("recall.sh", "echo oops >&2\nexit 1\n");

        // When the restore fails
        DrDrillError error = catchThrowableOfType(() -> runner.restore(withScript(script), logDir), DrDrillError.class);

        // Then the error carries where the logs are, for the report of the failed drill
        assertThat(error).isNotNull();
        assertThat(error.facts())
                .containsEntry(RestoreRunner.STDOUT_FACT, logDir.resolve(RestoreRunner.STDOUT_LOG).toString())
                .containsEntry(RestoreRunner.STDERR_FACT, logDir.resolve(RestoreRunner.STDERR_LOG).toString());
    }

    @Test
    void nonZeroExitWithoutStderrNamesOnlyTheCode() throws IOException {
        // Given a silent failing script
        Path script = script("recall.sh", "exit 7\n");

        // When / Then the message is just the code
        assertThatThrownBy(() -> runner.restore(withScript(script), logDir))
                .isInstanceOf(DrDrillError.class)
                .hasMessage("recall script exited with code 7");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void timeoutKillsTheScriptAndEveryProcessItStarted() throws Exception {
        // Given a script that starts a background child (found by its unique sleep argument: the PID the script
        // sees is one of its own PID namespace), says so, then hangs
        Survivors child = survivors(Survivors.sleeping(300));
        Path script = script("recall.sh", """
                sleep %s &
                echo "started child"
                sleep 300
                """.formatted(child.marker));

        // When the restore runs with a 1 second timeout
        long started = System.nanoTime();
        DrDrillError error = catchThrowableOfType(() -> runner.restore(manifest(script, false, 1), logDir),
                DrDrillError.class);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        // Then it fails promptly saying it timed out
        assertThat(error).isNotNull();
        assertThat(error.getMessage()).contains("timed out").contains("1s");
        assertThat(took).isLessThan(Duration.ofSeconds(30));
        assertThat(error.facts()).containsKeys(RestoreRunner.STDOUT_FACT, RestoreRunner.STDERR_FACT);
        // and the background child is gone too
        assertThat(logDir.resolve(RestoreRunner.STDOUT_LOG)).content().startsWith("started child");
        assertThat(child.aliveAfter(Duration.ofSeconds(5))).as("background child still alive after the timeout")
                .isEmpty();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void backgroundChildOfASuccessfulScriptDoesNotOutliveTheStep() throws Exception {
        // Given a script that leaves a background child behind and exits 0 once the child runs
        Survivors child = survivors(Survivors.sleeping(300));
        Path script = TestBundle.writeExecutable(bundle.resolve("recall.sh"), "#!/bin/sh\n" + child.awaitFunction() + """
                sleep %s > /dev/null 2>&1 &
                await_children 1
                cp "$BACKUP_PATH" "$RESTORE_DIR/"
                exit 0
                """.formatted(child.marker));

        // When the restore runs
        RestoreResult result = runner.restore(withScript(script), logDir);

        // Then it succeeded and the left-over child was killed
        assertThat(result.restoredFile()).hasSameBinaryContentAs(backup);
        assertThat(child.aliveAfter(Duration.ofSeconds(5))).as("background child still alive after the step")
                .isEmpty();
    }

    private Survivors survivors(Survivors marker) {
        markers.add(marker);
        return marker;
    }

    @AfterEach
    void killSurvivors() {
        markers.forEach(Survivors::killAll);
    }

    @Test
    void staleRestoredFileIsDeletedBeforeTheScriptRuns() throws IOException {
        // Given a restored file left by an earlier drill and a script that restores nothing
        Files.createDirectories(restoreDir);
        Path stale = Files.writeString(restoreDir.resolve("backup.json"), "from an earlier drill");
        Path script = script("recall.sh", "exit 0\n");

        // When the restore runs, then it fails: the script produced nothing
        assertThatThrownBy(() -> runner.restore(withScript(script), logDir)).isInstanceOf(DrDrillError.class)
                .hasMessageContaining("did not produce");

        // and the stale file is gone: nothing stands in for this drill's restore
        assertThat(stale).doesNotExist();
    }

    @Test
    void aCopyOfManySlicesIsReadBackWhileItIsWrittenToTheDigestOfItsOwnBytes() throws IOException {
        // Given a backup of 40 MiB of varied bytes: more than two of the copy's slices
        byte[] block = new byte[1 << 20];
        java.util.Random random = new java.util.Random(12);
        try (java.io.OutputStream out = Files.newOutputStream(backup)) {
            for (int i = 0; i < 40; i++) {
                random.nextBytes(block);
                out.write(block);
            }
        }

        // When the restore copies it and no script runs after the copy
        RestoreResult result = runner.restore(manifest(null, true, 60), logDir);

        // Then the copy was read back whole, to the digest of the restored file, with the file's identity
        io.drdrill.step.RestoredReading reading = result.readBack().orElseThrow();
        assertThat(reading.bytes()).isEqualTo(Files.size(backup));
        assertThat(reading.sha256()).isEqualTo(io.drdrill.step.Sha256.of(result.restoredFile()))
                .isEqualTo(io.drdrill.step.Sha256.of(backup));
        assertThat(reading.identity()).isEqualTo(io.drdrill.step.FileIdentity.onThisMachine(result.restoredFile()));
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("dr-drill-restored-read-back"));
    }

    @Test
    void aCopyAScriptRunsOnAfterwardsIsNotReadBack() throws IOException {
        // Given copy_backup and a recall script, which may change the copy
        Path script = script("recall.sh", "echo ok\n");

        // When the restore runs
        RestoreResult result = runner.restore(manifest(script, true, 60), logDir);

        // Then no reading is handed on: the check reads the copy after the script
        assertThat(result.restoredFile()).hasSameBinaryContentAs(backup);
        assertThat(result.readBack()).isEmpty();
    }

    @Test
    void scriptSeesTheCopiedBackupWhenCopyBackupIsAlsoSet() throws IOException {
        // Given copy_backup and a script checking that the copy is already there
        Path script = script("recall.sh", """
                cmp -s "$BACKUP_PATH" "$RESTORE_DIR/backup.json" || { echo "copy missing" >&2; exit 9; }
                echo ok
                """);

        // When the restore runs
        RestoreResult result = runner.restore(manifest(script, true, 60), logDir);

        // Then the script found the copy
        assertThat(logDir.resolve(RestoreRunner.STDOUT_LOG)).hasContent("ok\n");
        assertThat(result.restoredFile()).hasSameBinaryContentAs(backup);
    }

    // ------------------------------------------------------------------ script checks

    @Test
    void scriptOutsideTheManifestFolderIsRejected() throws IOException {
        // Given an executable script in a sibling folder of the manifest's
        Path outside = TestBundle.writeExecutable(tempDir.resolve("elsewhere/recall.sh"),
                "#!/bin/sh\ntouch \"$RESTORE_DIR/ran\"\n");

        // When / Then the restore is rejected before anything runs
        assertThatThrownBy(() -> runner.restore(withScript(outside), logDir))
                .isInstanceOf(DrDrillError.class)
                .hasMessageContaining("outside the allowed script folders");
        assertThat(restoreDir.resolve("ran")).doesNotExist();
    }

    @Test
    void dotDotEscapeFromTheManifestFolderIsRejected() throws IOException {
        // Given a script path that starts in the manifest folder but climbs out of it
        TestBundle.writeExecutable(tempDir.resolve("elsewhere/recall.sh"), "#!/bin/sh\nexit 0\n");
        Path sneaky = bundle.resolve("../elsewhere/recall.sh");

        // When / Then it is rejected
        assertThatThrownBy(() -> runner.restore(withScript(sneaky), logDir))
                .isInstanceOf(DrDrillError.class)
                .hasMessageContaining("outside the allowed script folders");
    }

    @Test
    void symlinkInsideTheManifestFolderPointingOutsideIsRejected() throws IOException {
        // Given a symlink in the manifest folder to a script outside it
        Path outside = TestBundle.writeExecutable(tempDir.resolve("elsewhere/recall.sh"), "#!/bin/sh\nexit 0\n");
        Path link = Files.createSymbolicLink(bundle.resolve("recall.sh"), outside);

        // When / Then it is rejected
        assertThatThrownBy(() -> runner.restore(withScript(link), logDir))
                .isInstanceOf(DrDrillError.class)
                .hasMessageContaining("outside the allowed script folders");
    }

    @Test
    void siblingFolderSharingThePrefixIsNotInside() throws IOException {
        // Given a script in "bundle-evil", whose name starts like the manifest folder "bundle"
        Path evil = TestBundle.writeExecutable(tempDir.resolve("bundle-evil/recall.sh"), "#!/bin/sh\nexit 0\n");

        // When / Then it is rejected
        assertThatThrownBy(() -> runner.restore(withScript(evil), logDir))
                .isInstanceOf(DrDrillError.class)
                .hasMessageContaining("outside the allowed script folders");
    }

    @Test
    void explicitlyAllowedFolderIsAcceptedAndReplacesTheManifestFolder() throws IOException {
        // Given a runner allowing only a shared scripts folder
        Path shared = tempDir.resolve("shared-scripts");
        Path script = TestBundle.writeExecutable(shared.resolve("recall.sh"),
                "#!/bin/sh\ncp \"$BACKUP_PATH\" \"$RESTORE_DIR/\"\n");
        Path local = script("local.sh", "exit 0\n");
        RestoreRunner sharedOnly = new RestoreRunner(List.of(shared));

        // When / Then a script there runs, and one in the manifest folder is now rejected
        assertThat(sharedOnly.restore(withScript(script), logDir).restoredFile()).hasSameBinaryContentAs(backup);
        assertThatThrownBy(() -> sharedOnly.restore(withScript(local), logDir))
                .isInstanceOf(DrDrillError.class)
                .hasMessageContaining("outside the allowed script folders");
    }

    @Test
    void nonExecutableScriptIsRejected() throws IOException {
        // Given a script without any execute bit
        Path script = script("recall.sh", "exit 0\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));

        // When / Then it is rejected
        assertThatThrownBy(() -> runner.restore(withScript(script), logDir))
                .isInstanceOf(DrDrillError.class)
                .hasMessageContaining("not executable");
    }

    @Test
    void missingScriptIsRejected() {
        // Given a script path where nothing exists
        Path missing = bundle.resolve("missing.sh");

        // When / Then it is rejected
        assertThatThrownBy(() -> runner.restore(withScript(missing), logDir))
                .isInstanceOf(DrDrillError.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void directoryAsScriptIsRejected() throws IOException {
        // Given a directory named like a script
        Path dir = Files.createDirectories(bundle.resolve("recall.d"));

        // When / Then it is rejected
        assertThatThrownBy(() -> runner.restore(withScript(dir), logDir))
                .isInstanceOf(DrDrillError.class)
                .hasMessageContaining("not a regular file");
    }

    @Test
    void rejectedScriptLeavesTheRestoreFolderUntouched() throws IOException {
        // Given a restored file from an earlier drill and a non-executable script
        Files.createDirectories(restoreDir);
        Path earlier = Files.writeString(restoreDir.resolve("backup.json"), "earlier");
        Path script = script("recall.sh", "exit 0\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-------"));

        // When the restore is rejected
        assertThatThrownBy(() -> runner.restore(withScript(script), logDir)).isInstanceOf(DrDrillError.class);

        // Then nothing was deleted or run
        assertThat(earlier).hasContent("earlier");
        assertThat(logDir).doesNotExist();
    }

    @Test
    void durationCoversTheScript() throws IOException {
        // Given a script that takes a little while
        Path script = script("recall.sh", "sleep 0.3\ncp \"$BACKUP_PATH\" \"$RESTORE_DIR/\"\n");

        // When the restore runs
        RestoreResult result = runner.restore(withScript(script), logDir);

        // Then the duration is positive and includes the script's run time
        assertThat(result.durationSeconds()).isGreaterThan(0).isGreaterThanOrEqualTo(0.25);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return all;
    }
}
