package io.drdrill.restore;

import io.drdrill.step.DrDrillError;
import io.drdrill.manifest.Manifest;
import io.drdrill.testsupport.TestBundle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Nothing a recall script starts may outlive it: real scripts that escape in the ways daemons do (own session, own
 * process group, double fork, ignored signals), time out, hold the log pipes, or lose their JVM, under every
 * namespace wrapper this machine supports. Each escaping child also leaves the script's process group, which is
 * what the old process-group kill could not reach.
 */
class RecallContainmentTest {

    @TempDir
    Path tempDir;

    private Path bundle;
    private Path backup;
    private Path restoreDir;
    private Path logDir;
    private final List<Survivors> markers = new ArrayList<>();

    /** A wrapper to run under, with its index in {@link RecallWrapper#candidates()} for a child JVM. */
    record Wrapper(int index, RecallWrapper wrapper) {
        @Override
        public String toString() {
            return wrapper.toString();
        }
    }

    static Stream<Wrapper> namespaceWrappers() {
        List<Wrapper> found = allWrappers().filter(w -> w.wrapper().containment().complete()).toList();
        // no namespace on this machine: one run that is skipped, rather than a configuration error
        return found.isEmpty() ? Stream.of((Wrapper) null) : found.stream();
    }

    static Stream<Wrapper> allWrappers() {
        List<RecallWrapper> candidates = RecallWrapper.candidates();
        return IntStream.range(0, candidates.size()).mapToObj(i -> new Wrapper(i, candidates.get(i)))
                .filter(w -> w.wrapper().works());
    }

    @BeforeEach
    void setUp() throws IOException {
        bundle = Files.createDirectories(tempDir.resolve("bundle"));
        backup = Files.writeString(bundle.resolve("backup.json"),
                "{\"services\":[{\"name\":\"db\",\"status\":\"ready\"}]}\n");
        Files.writeString(bundle.resolve("sbom.cdx.json"), "{}");
        Files.writeString(bundle.resolve("provenance.json"), "{}");
        restoreDir = bundle.resolve("restored");
        logDir = tempDir.resolve("evidence").resolve(RestoreRunner.LOG_DIR);
    }

    @AfterEach
    void killSurvivors() {
        markers.forEach(Survivors::killAll);
    }

    private Survivors marker(int seconds) {
        Survivors marker = Survivors.sleeping(seconds);
        markers.add(marker);
        return marker;
    }

    private Manifest manifest(Path script, long timeoutSeconds) {
        return new Manifest(bundle.resolve("manifest.json"), "0".repeat(64),
                new Manifest.Backup(backup, "0".repeat(64), Instant.parse("2026-01-31T23:00:00Z")),
                new Manifest.Sbom(bundle.resolve("sbom.cdx.json")), new Manifest.Provenance(bundle.resolve("provenance.json")),
                new Manifest.Restore(restoreDir, Optional.ofNullable(script), false, timeoutSeconds),
                new Manifest.Policies(Optional.empty(), Optional.empty()));
    }

    /** A bash recall script that can wait for its children ({@code await_children N}) before it goes on. */
    private Path script(Survivors marker, String body) throws IOException {
        return TestBundle.writeExecutable(bundle.resolve("recall.sh"), "#!/bin/bash\n" + marker.awaitFunction() + body);
    }

    private static RestoreRunner runner(Wrapper wrapper) {
        assumeTrue(wrapper != null, "neither root nor user namespaces allow a PID namespace here");
        return new RestoreRunner(List.of(), wrapper.wrapper());
    }

    // ------------------------------------------------------------------ escapes

    @ParameterizedTest(name = "{0}")
    @MethodSource("namespaceWrappers")
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aChildInASessionOfItsOwnDoesNotOutliveTheRecall(Wrapper wrapper) throws Exception {
        // Given a script that starts `setsid sleep` in the background and exits 0 once it runs
        RestoreRunner runner = runner(wrapper);
        Survivors sleep = marker(300);
        Path script = script(sleep, """
                setsid sleep %s &
                await_children 1
                cp "$BACKUP_PATH" "$RESTORE_DIR/"
                """.formatted(sleep.marker));

        // When the restore runs
        RestoreResult result = runner.restore(manifest(script, 60), logDir);

        // Then it succeeded and, the moment it returned, the daemon was gone
        assertThat(result.restoredFile()).hasSameBinaryContentAs(backup);
        assertThat(sleep.alive()).as("processes left by the recall").isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("namespaceWrappers")
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aDoubleForkedDaemonDoesNotOutliveTheRecall(Wrapper wrapper) throws Exception {
        // Given a script that daemonizes a sleep the daemon(3) way: fork, setsid, fork, intermediates exit, so the
        // sleep is re-parented and no longer a descendant of the script
        RestoreRunner runner = runner(wrapper);
        Survivors daemon = marker(300);
        Path script = script(daemon, """
                ( setsid sh -c '( exec sleep %s ) & exit 0' & )
                await_children 1
                cp "$BACKUP_PATH" "$RESTORE_DIR/"
                """.formatted(daemon.marker));

        // When the restore runs
        RestoreResult result = runner.restore(manifest(script, 60), logDir);

        // Then the daemon is gone
        assertThat(result.restoredFile()).exists();
        assertThat(daemon.alive()).as("processes left by the recall").isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("namespaceWrappers")
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aChildInANewProcessGroupDoesNotOutliveTheRecall(Wrapper wrapper) throws Exception {
        // Given a script with job control on (`set -m`), so its background job gets a process group of its own,
        // and another child moved to a new session with `setsid -f`
        RestoreRunner runner = runner(wrapper);
        Survivors sleep = marker(300);
        Path script = script(sleep, """
                set -m
                sleep %1$s &
                setsid -f sleep %1$s
                await_children 2
                cp "$BACKUP_PATH" "$RESTORE_DIR/"
                """.formatted(sleep.marker));

        // When the restore runs
        runner.restore(manifest(script, 60), logDir);

        // Then neither is left
        assertThat(sleep.alive()).as("processes left by the recall").isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("namespaceWrappers")
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void tenBackgroundChildrenInSessionsOfTheirOwnDoNotOutliveTheRecall(Wrapper wrapper) throws Exception {
        // Given a script that starts ten background children, each in a session of its own
        RestoreRunner runner = runner(wrapper);
        Survivors sleep = marker(300);
        Path script = script(sleep, """
                for i in 0 1 2 3 4 5 6 7 8 9; do
                    setsid sleep %s$i &
                done
                await_children 10
                cp "$BACKUP_PATH" "$RESTORE_DIR/"
                """.formatted(sleep.marker));

        // When the restore runs
        runner.restore(manifest(script, 60), logDir);

        // Then none of the ten is left
        assertThat(sleep.alive()).as("processes left by the recall").isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("namespaceWrappers")
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aChildThatIgnoresTermAndHupDoesNotOutliveTheRecall(Wrapper wrapper) throws Exception {
        // Given a script whose child, in a session of its own, ignores SIGTERM, SIGHUP and SIGINT
        RestoreRunner runner = runner(wrapper);
        Survivors stubborn = marker(300);
        Path script = script(stubborn, """
                setsid sh -c 'trap "" TERM HUP INT; exec sleep %s' &
                await_children 1
                cp "$BACKUP_PATH" "$RESTORE_DIR/"
                """.formatted(stubborn.marker));

        // When the restore runs
        runner.restore(manifest(script, 60), logDir);

        // Then the child is gone all the same
        assertThat(stubborn.alive()).as("processes left by the recall").isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("namespaceWrappers")
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aRecallThatTimesOutLeavesNoneOfItsChildren(Wrapper wrapper) throws Exception {
        // Given a script that starts a session-leading child, a double-forked daemon and a TERM-ignoring child,
        // then hangs
        RestoreRunner runner = runner(wrapper);
        Survivors sleep = marker(300);
        Path script = script(sleep, """
                setsid sleep %1$s &
                ( setsid sh -c '( exec sleep %1$s ) & exit 0' & )
                sh -c 'trap "" TERM HUP; exec sleep %1$s' &
                await_children 3
                echo "children started"
                sleep %1$s
                """.formatted(sleep.marker));

        // When the restore runs with a 2 second timeout
        long started = System.nanoTime();
        DrDrillError error = catchThrowableOfType(() -> runner.restore(manifest(script, 2), logDir),
                DrDrillError.class);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        // Then it fails promptly, saying it timed out and killed the process tree
        assertThat(error).isNotNull();
        assertThat(error.getMessage()).contains("timed out after 2s").contains("process tree was killed");
        assertThat(took).isLessThan(Duration.ofSeconds(20));
        assertThat(logDir.resolve(RestoreRunner.STDOUT_LOG)).hasContent("children started\n");
        // and nothing of it is left, not even the daemon
        assertThat(sleep.alive()).as("processes left by the recall").isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("namespaceWrappers")
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void anInterruptedRestoreLeavesNoneOfTheRecallsChildren(Wrapper wrapper) throws Exception {
        // Given a restore, on a thread of its own, of a script that daemonizes a child and hangs
        RestoreRunner runner = runner(wrapper);
        Survivors sleep = marker(300);
        Path script = script(sleep, """
                ( setsid sh -c '( exec sleep %1$s ) & exit 0' & )
                sleep %1$s
                """.formatted(sleep.marker));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread drill = new Thread(() -> {
            try {
                runner.restore(manifest(script, 600), logDir);
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        drill.start();
        assertThat(sleep.awaitAtLeast(2, Duration.ofSeconds(20))).as("the recall started its children").isTrue();

        // When that thread is interrupted
        drill.interrupt();
        drill.join(TimeUnit.SECONDS.toMillis(20));

        // Then the restore fails saying so, and nothing of the recall is left
        assertThat(drill.isAlive()).isFalse();
        assertThat(failure.get()).isInstanceOf(DrDrillError.class).hasMessageContaining("interrupted")
                .hasMessageContaining("process tree was killed");
        assertThat(sleep.alive()).as("processes left by the recall").isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("namespaceWrappers")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void theRecallDoesNotOutliveItsKilledJvm(Wrapper wrapper) throws Exception {
        // Given a separate JVM restoring with a script that starts `setsid sleep` and then sleeps itself
        assumeTrue(wrapper != null, "neither root nor user namespaces allow a PID namespace here");
        Survivors sleep = marker(300);
        Path script = script(sleep, """
                setsid sleep %1$s &
                sleep %1$s
                """.formatted(sleep.marker));
        String java = ProcessHandle.current().info().command().orElseThrow();
        Path jvmLog = tempDir.resolve("child-jvm.log");
        Process jvm = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                RecallChildJvm.class.getName(), "restore", Integer.toString(wrapper.index()), bundle.toString(),
                script.toString())
                .redirectErrorStream(true).redirectOutput(jvmLog.toFile()).start();
        try {
            assertThat(sleep.awaitAtLeast(2, Duration.ofSeconds(60)))
                    .as("the recall in the child JVM started; its output: %s", readQuietly(jvmLog)).isTrue();

            // When that JVM is SIGKILLed mid-recall
            jvm.destroyForcibly();
            assertThat(jvm.waitFor(20, TimeUnit.SECONDS)).isTrue();

            // Then within a few seconds neither the script nor its daemon is left
            assertThat(sleep.aliveAfter(Duration.ofSeconds(5))).as("processes left by the recall").isEmpty();
        } finally {
            jvm.destroyForcibly();
        }
    }

    // ------------------------------------------------------------------ RTO

    @ParameterizedTest(name = "{0}")
    @MethodSource("allWrappers")
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aChildHoldingStdoutOpenDoesNotCountTowardsTheRto(Wrapper wrapper) throws Exception {
        // Given a script that restores at once but leaves a child, in a session of its own, holding its stdout and
        // stderr open for 30 s (under every wrapper: even one that cannot kill the child must not wait for it)
        RestoreRunner runner = new RestoreRunner(List.of(), wrapper.wrapper());
        Survivors holder = marker(30);
        Path script = script(holder, """
                echo "restoring"
                setsid sleep %s &
                await_children 1
                cp "$BACKUP_PATH" "$RESTORE_DIR/"
                """.formatted(holder.marker));

        // When the restore runs
        long started = System.nanoTime();
        RestoreResult result = runner.restore(manifest(script, 60), logDir);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        // Then the RTO is the script's own time, far below the 30 s, and the step did not wait for the child
        assertThat(result.durationSeconds()).isLessThan(5.0);
        assertThat(took).isLessThan(Duration.ofSeconds(15));
        assertThat(logDir.resolve(RestoreRunner.STDOUT_LOG)).hasContent("restoring\n");
        assertThat(result.containment()).contains(wrapper.wrapper().containment());
    }

    // ------------------------------------------------------------------ which containment

    @ParameterizedTest(name = "{0}")
    @MethodSource("namespaceWrappers")
    void theScriptRunsAsPid1OfItsOwnNamespace(Wrapper wrapper) throws Exception {
        // Given a script that records its own PID
        RestoreRunner runner = runner(wrapper);
        Path script = script(marker(1), "echo $$ > \"$RESTORE_DIR/pid\"\ncp \"$BACKUP_PATH\" \"$RESTORE_DIR/\"\n");

        // When the restore runs
        RestoreResult result = runner.restore(manifest(script, 60), logDir);

        // Then the script was PID 1 (the process whose exit empties the namespace) and the result says so
        assertThat(restoreDir.resolve("pid")).hasContent("1\n");
        assertThat(result.containment()).contains(wrapper.wrapper().containment());
        assertThat(result.containment().orElseThrow().complete()).isTrue();
    }

    @Test
    void theRestoreReportsTheContainmentDetectedForThisMachine() throws Exception {
        // Given the runner drills use, on this machine
        RestoreRunner runner = new RestoreRunner(List.of());
        Path script = script(marker(1), "cp \"$BACKUP_PATH\" \"$RESTORE_DIR/\"\n");

        // When a recall script runs, and a restore by copy alone runs
        RestoreResult recalled = runner.restore(manifest(script, 60), logDir);
        RestoreResult copied = runner.restore(new Manifest(bundle.resolve("manifest.json"), "0".repeat(64),
                new Manifest.Backup(backup, "0".repeat(64), Instant.parse("2026-01-31T23:00:00Z")),
                new Manifest.Sbom(bundle.resolve("sbom.cdx.json")), new Manifest.Provenance(bundle.resolve("provenance.json")),
                new Manifest.Restore(restoreDir, Optional.empty(), true, 60),
                new Manifest.Policies(Optional.empty(), Optional.empty())), logDir);

        // Then the recall names the detected containment, the strongest candidate that works, and the copy none
        Containment strongest = allWrappers().findFirst().orElseThrow().wrapper().containment();
        assertThat(recalled.containment()).contains(RestoreRunner.containment()).contains(strongest);
        assertThat(copied.containment()).isEmpty();
    }

    @Test
    void asRootThePlainPidNamespaceIsUsed() throws Exception {
        // Given a JVM running as root on a machine with util-linux
        assumeTrue(isRoot(), "not root");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/unshare")) && Files.isExecutable(Path.of("/usr/bin/setpriv")),
                "no util-linux unshare/setpriv");

        // When the containment is detected, then it is a PID namespace without a user namespace
        assertThat(RestoreRunner.containment()).isEqualTo(Containment.PID_NAMESPACE);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aNonRootJvmRunsTheScriptInAUserAndPidNamespaceUnderItsOwnUid() throws Exception {
        // Given a JVM started as the unprivileged user nobody (65534), on a machine where this test runs as root
        assumeTrue(isRoot(), "needs root to start a JVM as nobody");
        Path classes = codeSource(RecallWrapper.class);
        Path testClasses = codeSource(RecallChildJvm.class);
        assumeTrue(readableByOthers(classes) && readableByOthers(testClasses), "class folders not readable by nobody");
        Process jvm = new ProcessBuilder("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                ProcessHandle.current().info().command().orElseThrow(), "-XX:-UsePerfData",
                "-cp", classes + ":" + testClasses, RecallChildJvm.class.getName(), "probe")
                .directory(Path.of("/").toFile()).redirectErrorStream(true).start();
        String output = new String(jvm.getInputStream().readAllBytes());
        assertThat(jvm.waitFor(60, TimeUnit.SECONDS)).isTrue();

        // When it detects the containment and runs `id -u` through it, then a user+pid namespace is used in
        // which the command keeps the caller's uid (--map-current-user, not root of the namespace)
        assertThat(output).as(output).contains("containment=user+pid-namespace").contains("uid=65534");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void withoutANamespaceTheFallbackStillKillsTheScriptsProcessGroup() throws Exception {
        // Given the process-group fallback (what a machine without usable namespaces gets) and a script that
        // leaves a plain background child behind
        RecallWrapper fallback = allWrappers().map(Wrapper::wrapper)
                .filter(w -> w.containment() == Containment.PROCESS_GROUP).findFirst().orElse(null);
        assumeTrue(fallback != null, "no setsid here");
        Survivors sleep = marker(300);
        Path script = script(sleep, """
                sleep %s > /dev/null 2>&1 &
                await_children 1
                cp "$BACKUP_PATH" "$RESTORE_DIR/"
                """.formatted(sleep.marker));

        // When the restore runs under it
        RestoreResult result = new RestoreRunner(List.of(), fallback).restore(manifest(script, 60), logDir);

        // Then it reports the fallback, and the child in its process group was killed
        assertThat(result.containment()).contains(Containment.PROCESS_GROUP);
        assertThat(sleep.aliveAfter(Duration.ofSeconds(5))).as("processes left by the recall").isEmpty();
    }

    // ------------------------------------------------------------------ helpers

    private static boolean isRoot() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream()
                .anyMatch(line -> line.matches("Uid:\\s+0\\s.*"));
    }

    private static Path codeSource(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** The folder and every folder above it let others in. */
    private static boolean readableByOthers(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
            var perms = Files.getPosixFilePermissions(p);
            if (!perms.contains(PosixFilePermission.OTHERS_EXECUTE)
                    || (p.equals(dir.toAbsolutePath()) && !perms.contains(PosixFilePermission.OTHERS_READ))) {
                return false;
            }
        }
        return true;
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(none)";
        }
    }
}
