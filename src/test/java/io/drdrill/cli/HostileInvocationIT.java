package io.drdrill.cli;

import io.drdrill.testsupport.Hostile;
import io.drdrill.testsupport.TestBundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged {@code bin/dr-drill run} under hostile invocations, as real processes: evidence options aimed at
 * the drill's inputs (directly, through links, hard links and linked folders), special files, times at the edges
 * of what can be computed, and escape sequences in arguments. Each is refused with exit 2 and one line before
 * anything is written; a few whole drills check the same promises end to end (containment, linked restores,
 * escaped verdicts, a killed JVM).
 */
class HostileInvocationIT {

    private static final Path COMMAND = Path.of("").toAbsolutePath().resolve("bin/dr-drill");

    @TempDir
    Path work;

    /** A refused invocation: how to make it from a written bundle, and what the one line must say. */
    record Refusal(String name, Setup setup, String says) {
        @Override
        public String toString() {
            return name;
        }
    }

    interface Setup {
        /** @return the arguments after {@code run}, given the bundle (already written) */
        List<String> args(TestBundle bundle, Path work) throws Exception;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void aRefusedInvocationExitsTwoWithOneLineAndWritesNothing(Refusal refusal) throws Exception {
        // Given a sound bundle and an invocation aimed at one of its inputs (or otherwise unable to work)
        TestBundle bundle = TestBundle.create(work.resolve("bundle")).write();
        List<String> given = refusal.setup().args(bundle, work);
        List<String> args = new ArrayList<>(List.of("run"));
        if (!given.contains("--manifest")) {
            args.addAll(List.of("--manifest", bundle.manifestPath().toString()));
        }
        args.addAll(given);
        Map<Path, byte[]> before = Hostile.snapshot(work);
        List<Path> filesBefore = files(work);

        // When the command runs
        Result run = drill(args);

        // Then exit 2, one line on stderr naming the problem, nothing on stdout, and not one file written or changed
        assertThat(run.exit).as(run.stderr).isEqualTo(2);
        assertThat(run.stdout).isEmpty();
        assertThat(run.stderr.strip()).startsWith("[dr-drill] ERROR: ").contains(refusal.says()).doesNotContain("\n");
        Hostile.assertTerminalSafe(run.stderr);
        Hostile.assertUnchanged(before);
        assertThat(files(work)).isEqualTo(filesBefore);
    }

    static Stream<Refusal> refusals() {
        return Stream.of(
                new Refusal("--output onto the backup", (b, w) -> List.of("--output", b.backupPath().toString()),
                        "onto the drill's input backup.path"),
                new Refusal("--output onto the manifest", (b, w) -> List.of("--output", b.manifestPath().toString()),
                        "onto the drill's input the manifest"),
                new Refusal("--ndjson onto the manifest", (b, w) -> List.of("--ndjson", b.manifestPath().toString()),
                        "would be written onto the drill's input the manifest"),
                new Refusal("--ndjson onto the SBOM", (b, w) -> List.of("--ndjson", b.sbomPath().toString()),
                        "onto the drill's input sbom.path"),
                new Refusal("--output onto the provenance", (b, w) -> List.of("--output", b.provenancePath().toString()),
                        "onto the drill's input provenance.path"),
                new Refusal("--output onto a trusted key", (b, w) -> {
                    Files.writeString(b.dir().resolve("key.pem"), "-----BEGIN PUBLIC KEY-----\n");
                    b.withManifestTweak(m -> ((com.fasterxml.jackson.databind.node.ObjectNode) m.get("provenance"))
                            .putArray("trusted_keys").add("key.pem")).write();
                    return List.of("--output", b.dir().resolve("key.pem").toString());
                }, "onto the drill's input provenance.trusted_keys"),
                new Refusal("--ndjson onto the recall script", (b, w) -> {
                    b.withScript("#!/bin/sh\ncp \"$1\" \"$4/\"\n").write();
                    return List.of("--ndjson", b.scriptPath().toString());
                }, "onto the drill's input restore.script"),
                new Refusal("--evidence-dir where the metrics would replace the backup", (b, w) -> {
                    Files.move(b.backupPath(), b.dir().resolve("drill-metrics.json"));
                    Files.writeString(b.manifestPath(), Files.readString(b.manifestPath())
                            .replace("\"backup.json\"", "\"drill-metrics.json\", \"format\": \"json\""));
                    return List.of("--evidence-dir", b.dir().toString(), "--output", w.resolve("r.json").toString());
                }, "the metrics "),
                new Refusal("--evidence-dir where the engine log would replace the SBOM", (b, w) -> {
                    Files.move(b.sbomPath(), b.dir().resolve("dr-drill.log"));
                    Files.writeString(b.manifestPath(), Files.readString(b.manifestPath())
                            .replace("\"sbom.cdx.json\"", "\"dr-drill.log\""));
                    return List.of("--evidence-dir", b.dir().toString(), "--output", w.resolve("r.json").toString());
                }, "the engine log"),
                new Refusal("--evidence-dir where a recall log would replace the recall script", (b, w) -> {
                    TestBundle.writeExecutable(b.dir().resolve("restore/recall-stdout.log"), "#!/bin/sh\n");
                    Files.writeString(b.manifestPath(), Files.readString(b.manifestPath())
                            .replace("\"copy_backup\"", "\"script\": \"restore/recall-stdout.log\", \"copy_backup\""));
                    return List.of("--evidence-dir", b.dir().toString(), "--output", w.resolve("r.json").toString());
                }, "the recall log"),
                new Refusal("--output onto the restored copy", (b, w) -> List.of("--output", b.restoredFile().toString()),
                        "onto the drill's input the restored copy"),
                new Refusal("--output through a symbolic link to the backup", (b, w) -> {
                    Files.createSymbolicLink(w.resolve("report.json"), b.backupPath());
                    return List.of("--output", w.resolve("report.json").toString());
                }, "(a symbolic link to it)"),
                new Refusal("--ndjson through a hard link to the manifest", (b, w) -> {
                    Files.createLink(w.resolve("events.ndjson"), b.manifestPath());
                    return List.of("--ndjson", w.resolve("events.ndjson").toString());
                }, "(a hard link to it)"),
                new Refusal("--output in a folder that links to the bundle", (b, w) -> {
                    Files.createSymbolicLink(w.resolve("linked"), b.dir());
                    return List.of("--output", w.resolve("linked/backup.json").toString());
                }, "(through a link)"),
                new Refusal("--output inside the backup file", (b, w) ->
                        List.of("--output", b.backupPath().resolve("report.json").toString()), "lies inside the drill's input backup.path"),
                new Refusal("--evidence-dir inside the backup file", (b, w) ->
                        List.of("--evidence-dir", b.backupPath().resolve("evidence").toString()), "inside the drill's input backup.path"),
                new Refusal("--output and --ndjson are one file", (b, w) -> List.of("--output", w.resolve("x.json").toString(),
                        "--ndjson", w.resolve("x.json").toString()), "one would overwrite the other"),
                new Refusal("a link planted at a recall log points at the backup", (b, w) -> {
                    Files.createDirectories(w.resolve("out/restore"));
                    Files.createSymbolicLink(w.resolve("out/restore/recall-stderr.log"), b.backupPath());
                    return List.of("--output", w.resolve("out/dr-report.json").toString());
                }, "the recall log"),
                new Refusal("a link planted at the engine log points at the manifest", (b, w) -> {
                    Files.createDirectories(w.resolve("out"));
                    Files.createSymbolicLink(w.resolve("out/dr-drill.log"), b.manifestPath());
                    return List.of("--output", w.resolve("out/dr-report.json").toString());
                }, "the engine log"),
                new Refusal("--output is an existing folder", (b, w) -> {
                    Files.createDirectories(w.resolve("folder"));
                    return List.of("--output", w.resolve("folder").toString());
                }, "is a folder"),
                new Refusal("--ndjson is an existing folder", (b, w) -> {
                    Files.createDirectories(w.resolve("folder"));
                    return List.of("--ndjson", w.resolve("folder").toString());
                }, "is a folder; give the path of a file"),
                new Refusal("--evidence-dir is a file", (b, w) -> {
                    Files.writeString(w.resolve("notes.txt"), "x");
                    return List.of("--evidence-dir", w.resolve("notes.txt").toString());
                }, "not a folder"),
                new Refusal("--manifest is a folder", (b, w) -> List.of("--manifest", b.dir().toString()),
                        "is a folder, not a regular file"),
                new Refusal("--manifest is a FIFO", (b, w) -> {
                    HostileDrillTest.fifo(w.resolve("fifo.json"));
                    return List.of("--manifest", w.resolve("fifo.json").toString());
                }, "is a FIFO, not a regular file"),
                new Refusal("--manifest is /dev/null", (b, w) -> List.of("--manifest", "/dev/null"),
                        "is a character device, not a regular file"),
                new Refusal("--manifest is a socket", (b, w) -> {
                    Path socket = w.resolve("s.sock");
                    ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(socket));
                    return List.of("--manifest", socket.toString());
                }, "is a socket, not a regular file"),
                new Refusal("--manifest is a symbolic link loop", (b, w) -> {
                    Files.createSymbolicLink(w.resolve("a.json"), w.resolve("b.json"));
                    Files.createSymbolicLink(w.resolve("b.json"), w.resolve("a.json"));
                    return List.of("--manifest", w.resolve("a.json").toString());
                }, "resolves to nothing"),
                new Refusal("--current-time in year 999999999", (b, w) ->
                        List.of("--current-time", "+999999999-12-31T23:59:59Z"), "--current-time: must lie between"),
                new Refusal("--current-time in year -999999999", (b, w) ->
                        List.of("--current-time", "-999999999-01-01T00:00:00Z"), "--current-time: must lie between"),
                new Refusal("--current-time holds escape sequences", (b, w) ->
                        List.of("--current-time", "\u001b[2J\u001b[1;1H2026\r"), "got '\\x1b[2J\\x1b[1;1H2026\\x0d'"),
                new Refusal("an unknown option holds escape sequences", (b, w) ->
                        List.of("--\u001b[31mred\u009b\u0007"), "\\x1b[31mred\\u009b\\x07"),
                new Refusal("an invalid manifest with --output onto its backup", (b, w) -> {
                    Files.writeString(b.manifestPath(), Files.readString(b.manifestPath())
                            .replace("\"policies\" : { }", "\"policies\" : []"));
                    assertThat(Files.readString(b.manifestPath())).contains("\"policies\" : []");
                    return List.of("--output", b.backupPath().toString());
                }, "onto the drill's input backup.path"),
                new Refusal("a manifest that is not JSON with --ndjson onto itself", (b, w) -> {
                    Files.writeString(b.manifestPath(), "not json");
                    return List.of("--ndjson", b.manifestPath().toString());
                }, "onto the drill's input the manifest"),
                new Refusal("a restore whose copy would replace the SBOM", (b, w) -> {
                    Files.createDirectories(b.dir().resolve("boms"));
                    Files.move(b.sbomPath(), b.dir().resolve("boms/backup.json"));
                    Files.writeString(b.manifestPath(), Files.readString(b.manifestPath())
                            .replace("\"sbom.cdx.json\"", "\"boms/backup.json\"")
                            .replace("\"output_dir\" : \"restored\"", "\"output_dir\" : \"boms\""));
                    return List.of("--output", w.resolve("out/r.json").toString());
                }, "the restore "));
    }

    @Test
    void aRecallThatSpawnsSetsidDaemonsDoubleForksAndTenChildrenLeavesNoProcessAndPasses() throws Exception {
        // Given a recall script that starts setsid sleep, a double-forked daemon and ten background children
        String marker = Hostile.marker();
        TestBundle bundle = TestBundle.create(work.resolve("bundle")).withCopyBackup(false).withScript("#!/bin/sh\n"
                + "setsid sleep " + marker + " >/dev/null 2>&1 < /dev/null &\n"
                + "( ( sleep " + marker + " >/dev/null 2>&1 & ) & )\n"
                + "for i in 1 2 3 4 5 6 7 8 9 10; do sleep " + marker + " & done\n"
                + "cp \"$1\" \"$4/\"\n").write();
        Map<Path, byte[]> inputs = Hostile.snapshot(bundle.dir());

        // When the drill runs
        Result run = drill(List.of("run", "--manifest", bundle.manifestPath().toString(),
                "--output", work.resolve("out/dr-report.json").toString()));

        // Then it passes, quickly measured, and none of those processes exists any more
        assertThat(run.exit).as(run.stdout + run.stderr).isZero();
        assertThat(run.stdout).startsWith("[dr-drill] PASS: RTO=");
        assertThat(Double.parseDouble(run.stdout.replaceAll("(?s).*RTO=([0-9.]+)s.*", "$1"))).isLessThan(5.0);
        assertThat(Hostile.survivors(marker)).isEmpty();
        Hostile.assertUnchanged(inputs);
    }

    @Test
    void aRecallThatOutlivesAKilledJvmIsKilledWithIt() throws Exception {
        // Given a drill whose recall script starts a setsid daemon and then keeps restoring for minutes
        String marker = Hostile.marker();
        TestBundle bundle = TestBundle.create(work.resolve("bundle")).withCopyBackup(false).withScript("#!/bin/sh\n"
                + "setsid sleep " + marker + " >/dev/null 2>&1 < /dev/null &\nsleep " + marker + "\n").write();
        Process drill = start(List.of("run", "--manifest", bundle.manifestPath().toString(),
                "--output", work.resolve("out/dr-report.json").toString()));
        try {
            for (int i = 0; i < 600 && countOf(marker) < 2; i++) {
                Thread.sleep(100);
            }
            assertThat(countOf(marker)).as("the recall's processes started").isGreaterThanOrEqualTo(2);

            // When the drill's JVM is killed outright
            drill.destroyForcibly().waitFor(10, TimeUnit.SECONDS);

            // Then the recall and its daemon die with it
            assertThat(Hostile.survivors(marker)).isEmpty();
        } finally {
            drill.destroyForcibly();
        }
    }

    @Test
    void aRestoreThatOnlyLinksTheBackupFailsAtValidateRestoredBackup() throws Exception {
        // Given a recall script that "restores" by linking the backup into the restore folder
        TestBundle bundle = TestBundle.create(work.resolve("bundle")).withCopyBackup(false)
                .withScript("#!/bin/sh\nln -s \"$1\" \"$4/\"\n").write();

        // When the drill runs
        Result run = drill(List.of("run", "--manifest", bundle.manifestPath().toString(),
                "--output", work.resolve("out/dr-report.json").toString()));

        // Then it fails at the restored-copy check, saying a link is no restore
        assertThat(run.exit).isEqualTo(1);
        assertThat(run.stdout.strip()).startsWith("[dr-drill] FAIL at validate_restored_backup: ")
                .contains("is a symbolic link").contains("a link is no restore");
    }

    @Test
    void aManifestFieldFullOfEscapeSequencesIsShownEscapedOnTheTerminalAndInTheLog() throws Exception {
        // Given a manifest whose backup.format clears the screen and fakes a PASS line
        TestBundle bundle = TestBundle.create(work.resolve("bundle")).withManifestTweak(m ->
                ((com.fasterxml.jackson.databind.node.ObjectNode) m.get("backup"))
                        .put("format", "\u001b[2J\r[dr-drill] PASS\u0000")).write();
        Path evidence = work.resolve("out");

        // When the drill runs
        Result run = drill(List.of("run", "--manifest", bundle.manifestPath().toString(),
                "--output", evidence.resolve("dr-report.json").toString()));

        // Then the verdict is INVALID and shows the escapes as text; the evidence keeps the exact value
        assertThat(run.exit).isEqualTo(2);
        assertThat(run.stdout.strip()).startsWith("[dr-drill] INVALID: manifest field backup.format")
                .contains("\\x1b[2J\\x0d[dr-drill] PASS\\x00");
        Hostile.assertTerminalSafe(run.stdout + run.stderr);
        assertThat(Files.readString(evidence.resolve("dr-report.json"))).contains("\\u001B[2J\\r[dr-drill] PASS\\u0000");
        assertThat(Files.readString(evidence.resolve("dr-drill.log"))).doesNotContain("\u001b").doesNotContain("\0");
    }

    @Test
    void aCaptureTimeInYearMinusOneBillionIsAnInvalidManifestNotAnOverflow() throws Exception {
        // Given a manifest captured at the earliest instant Java can parse
        TestBundle bundle = TestBundle.create(work.resolve("bundle")).withCapturedAtText("-999999999-01-01T00:00:00Z")
                .write();

        // When the drill runs
        Result run = drill(List.of("run", "--manifest", bundle.manifestPath().toString(),
                "--output", work.resolve("out/dr-report.json").toString()));

        // Then exit 2 naming the field, not a technical failure
        assertThat(run.exit).isEqualTo(2);
        assertThat(run.stdout.strip()).startsWith("[dr-drill] INVALID: manifest field backup.captured_at: must lie between");
        Hostile.assertTerminalSafe(run.stdout + run.stderr);
    }

    @Test
    void anSbomThatListsNoComponentsFailsValidateSbom() throws Exception {
        // Given a schema-valid SBOM that names the backup but lists no components
        TestBundle bundle = TestBundle.create(work.resolve("bundle")).withSbomComponents(0).write();

        // When the drill runs
        Result run = drill(List.of("run", "--manifest", bundle.manifestPath().toString(),
                "--output", work.resolve("out/dr-report.json").toString()));

        // Then it fails at validate_sbom saying so
        assertThat(run.exit).isEqualTo(1);
        assertThat(run.stdout.strip()).startsWith("[dr-drill] FAIL at validate_sbom: ").contains("lists no components");
    }

    private static long countOf(String marker) throws Exception {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().matches("\\d+")).filter(p -> {
                try {
                    return Files.readString(p.resolve("cmdline")).replace('\0', ' ').contains(marker);
                } catch (Exception gone) {
                    return false;
                }
            }).count();
        }
    }

    private static List<Path> files(Path root) throws Exception {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.sorted().toList();
        }
    }

    private Process start(List<String> args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(COMMAND.toString());
        command.addAll(args);
        return new ProcessBuilder(command).directory(work.toFile())
                .redirectOutput(work.resolve(".stdout").toFile()).redirectError(work.resolve(".stderr").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    }

    private Result drill(List<String> args) throws Exception {
        Path out = Files.createTempFile("hostile", ".out");
        Path err = Files.createTempFile("hostile", ".err");
        List<String> command = new ArrayList<>();
        command.add(COMMAND.toString());
        command.addAll(args);
        Process process = new ProcessBuilder(command).directory(work.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("dr-drill did not finish within 120 s: " + args);
        }
        try {
            return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.delete(out);
            Files.delete(err);
        }
    }

    private record Result(int exit, String stdout, String stderr) {
    }
}
