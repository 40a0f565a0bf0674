package io.drdrill.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drdrill.evidence.EvidencePaths;
import io.drdrill.process.DrDrillProcess;
import io.drdrill.testsupport.DrillEngineTest;
import io.drdrill.testsupport.Hostile;
import io.drdrill.testsupport.ProcessTests;
import io.drdrill.testsupport.TestBundle;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile inputs that reach the engine, run through the same code as {@code bin/dr-drill run} on one embedded
 * engine (the packaged command's own start-up is covered by {@link HostileInvocationIT}): manifest fields of every
 * wrong type, special files and loops as inputs, recall scripts that escape, fork, flood, read stdin, trap signals
 * or fake a restore with a link. Each case checks the exit code and the verdict, that the line is safe for a
 * terminal, that every input is byte for byte unchanged and that no process the case started is left.
 */
@DrillEngineTest
@TestPropertySource(properties = "drdrill.trusted-caller=true")
class HostileDrillTest {

    private static final String RESTORE = "cp \"$1\" \"$4/\"\n";

    @Autowired
    HeadlessDrill headless;

    @TempDir
    Path dir;

    /** One hostile input: how the bundle is made hostile, and the exit code and verdict text it must give. */
    record Case(String name, Given before, Given after, ExitCode exit, String says, String marker) {
        @Override
        public String toString() {
            return name;
        }
    }

    interface Given {
        void apply(TestBundle bundle, String marker) throws Exception;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aHostileInputGivesItsExitCodeAndVerdictLeavesInputsUnchangedAndNoProcessBehind(Case hostile)
            throws Exception {
        // Given a sound bundle made hostile in one way
        TestBundle bundle = TestBundle.create(dir.resolve("bundle")).withScript("#!/bin/sh\n" + RESTORE)
                .withCopyBackup(false);
        hostile.before().apply(bundle, hostile.marker());
        bundle.write();
        hostile.after().apply(bundle, hostile.marker());
        Map<Path, byte[]> inputs = Hostile.snapshot(bundle.dir());

        // When the drill runs on it as the headless command runs it
        EvidencePaths paths = EvidencePaths.in(dir.resolve("out"));
        Map<String, Object> variables = new HashMap<>();
        variables.put(DrDrillProcess.Variables.MANIFEST.name(), ProcessTests.catalogName(bundle.manifestPath()));
        variables.put(DrDrillProcess.Variables.REPORT_PATH.name(), paths.report().toString());
        variables.put(DrDrillProcess.Variables.EVENTS_PATH.name(), paths.events().toString());
        variables.put(DrDrillProcess.Variables.EVIDENCE_DIR.name(), paths.evidenceDir().toString());
        RunCommand.Outcome outcome = RunCommand.drill(headless, variables, paths);

        // Then the exit code and the one verdict line say what happened, safely, and nothing is left behind
        assertThat(outcome.exit()).as(outcome.line()).isEqualTo(hostile.exit());
        assertThat(outcome.line()).contains(hostile.says()).doesNotContain("\n");
        Hostile.assertTerminalSafe(outcome.line());
        Hostile.assertUnchanged(inputs);
        assertThat(Hostile.survivors(hostile.marker())).as("processes left by the recall").isEmpty();
        assertThat(Files.readString(paths.report())).contains("\"status\" : \"" + switch (hostile.exit()) {
            case PASSED -> "passed";
            case FAILED -> "failed";
            case INVALID -> "invalid";
            case POLICY_VIOLATION -> "policy_violation";
            case ERROR -> "running";
        } + "\"");
    }

    static Stream<Case> cases() {
        return Stream.of(
                // manifest fields of every wrong type
                invalid("backup is a string", m -> m.put("backup", "backup.json"), "backup: must be an object"),
                invalid("backup.path is a number", m -> section(m, "backup").put("path", 7), "backup.path"),
                invalid("backup.path names no file", m -> section(m, "backup").put("path", "/"), "backup.path"),
                invalid("backup.sha256 is a number", m -> section(m, "backup").put("sha256", 12), "backup.sha256"),
                invalid("backup.sha256 has 63 hex digits", m -> section(m, "backup").put("sha256", "a".repeat(63)),
                        "backup.sha256"),
                invalid("backup.sha256 is not hex", m -> section(m, "backup").put("sha256", "sha256:" + "g".repeat(64)),
                        "backup.sha256"),
                invalid("backup.captured_at is a number", m -> section(m, "backup").put("captured_at", 1700000000),
                        "backup.captured_at"),
                invalid("backup.captured_at in year -999999999",
                        m -> section(m, "backup").put("captured_at", "-999999999-01-01T00:00:00Z"),
                        "backup.captured_at: must lie between"),
                invalid("backup.captured_at in year 999999999",
                        m -> section(m, "backup").put("captured_at", "+999999999-12-31T23:59:59Z"),
                        "backup.captured_at: must lie between"),
                invalid("backup.captured_at is not a date", m -> section(m, "backup").put("captured_at", "yesterday"),
                        "backup.captured_at"),
                invalid("backup.format is unknown", m -> section(m, "backup").put("format", "zip"), "backup.format"),
                invalid("backup.format holds terminal escape sequences",
                        m -> section(m, "backup").put("format", "\u001b[2J\u001b[31mPASS\u001b]0;owned\u0007"),
                        "\\x1b[2J\\x1b[31mPASS"),
                invalid("backup.format holds a carriage return and NUL",
                        m -> section(m, "backup").put("format", "json\r[dr-drill] PASS\u0000"), "json\\x0d[dr-drill] PASS\\x00"),
                invalid("backup.format holds C1 controls and a bidi override",
                        m -> section(m, "backup").put("format", "x\u009b2J\u202egnp"), "x\\u009b2J\\u202egnp"),
                invalid("the sbom section is missing", m -> m.remove("sbom"), "sbom: is required"),
                invalid("sbom.path is an array", m -> section(m, "sbom").putArray("path").add("a"), "sbom.path"),
                invalid("sbom.require_digest_match is a string", m -> section(m, "sbom").put("require_digest_match", "yes"),
                        "sbom.require_digest_match"),
                invalid("sbom.min_components is negative", m -> section(m, "sbom").put("min_components", -1),
                        "sbom.min_components"),
                invalid("sbom.min_components is a fraction", m -> section(m, "sbom").put("min_components", 1.5),
                        "sbom.min_components"),
                invalid("provenance.trusted_keys is a string", m -> section(m, "provenance").put("trusted_keys", "k.pem"),
                        "provenance.trusted_keys"),
                invalid("provenance.trusted_keys holds a number",
                        m -> section(m, "provenance").putArray("trusted_keys").add(1), "provenance.trusted_keys"),
                invalid("provenance.require_signature without keys",
                        m -> section(m, "provenance").put("require_signature", true), "provenance.require_signature"),
                invalid("restore.output_dir is the backup's folder", m -> section(m, "restore").put("output_dir", "."),
                        "restore.output_dir"),
                invalid("restore.timeout_seconds is zero", m -> section(m, "restore").put("timeout_seconds", 0),
                        "restore.timeout_seconds"),
                invalid("restore.timeout_seconds is a million", m -> section(m, "restore").put("timeout_seconds", 1_000_000),
                        "restore.timeout_seconds"),
                invalid("restore.timeout_seconds is a string", m -> section(m, "restore").put("timeout_seconds", "10"),
                        "restore.timeout_seconds"),
                invalid("restore.copy_backup is a string", m -> section(m, "restore").put("copy_backup", "true"),
                        "restore.copy_backup"),
                invalid("restore has neither script nor copy", m -> section(m, "restore").remove("script"),
                        "manifest field restore: needs a script"),
                invalid("an unknown top-level field", m -> m.put("backups", 1), "manifest field backups: unknown"),
                invalid("a misspelt nested field", m -> section(m, "provenance").putArray("trustedKeys"),
                        "provenance.trustedKeys: unknown"),
                invalid("an unknown field named with an escape sequence", m -> m.put("\u001b]0;owned\u0007", 1),
                        "\\x1b]0;owned\\x07"),
                invalid("policies.max_rpo_minutes is negative", m -> section(m, "policies").put("max_rpo_minutes", -1),
                        "policies.max_rpo_minutes"),
                invalid("policies.max_rto_seconds is a string", m -> section(m, "policies").put("max_rto_seconds", "900"),
                        "policies.max_rto_seconds"),
                invalid("policies is an array", m -> m.putArray("policies"), "policies: must be an object"),
                rawManifest("the manifest is a JSON array", "[]".getBytes(StandardCharsets.UTF_8), "must be a JSON object"),
                rawManifest("the manifest is empty", new byte[0], "must be a JSON object"),
                rawManifest("the manifest has duplicate keys", "{\"backup\": {}, \"backup\": {}}".getBytes(StandardCharsets.UTF_8),
                        "Duplicate field 'backup'"),
                rawManifest("the manifest has trailing content", "{} {}".getBytes(StandardCharsets.UTF_8), "not valid JSON"),
                rawManifest("the manifest is larger than 1 MiB", ("{\"description\": \"" + "x".repeat(1 << 20) + "\"}")
                        .getBytes(StandardCharsets.UTF_8), "larger than 1 MiB"),
                rawManifest("the manifest is not UTF-8", new byte[]{'{', '"', (byte) 0xff, (byte) 0xfe, '"', ':', '1', '}'},
                        "not valid JSON"),
                rawManifest("the manifest nests 100000 arrays deep", "[".repeat(100_000).getBytes(StandardCharsets.UTF_8),
                        "not valid JSON"),

                // special files, loops and escapes as inputs
                failed("the backup is a symbolic link loop", (b, m) -> loop(b.backupPath()), "verify_backup_digest"),
                failed("the backup is a folder", (b, m) -> {
                    Files.delete(b.backupPath());
                    Files.createDirectory(b.backupPath());
                }, "verify_backup_digest"),
                failed("the backup is a FIFO", (b, m) -> fifo(b.backupPath()), "not a regular file"),
                failed("the backup is /dev/zero", m -> {
                    section(m, "backup").put("path", "/dev/zero");
                    section(m, "backup").put("format", "raw");
                }, "verify_backup_digest"),
                failed("the SBOM is a FIFO", (b, m) -> fifo(b.sbomPath()), "validate_sbom"),
                failed("the provenance is /dev/urandom", m -> section(m, "provenance").put("path", "/dev/urandom"),
                        "validate_provenance"),
                failed("a trusted key is a FIFO", (b, m) -> fifo(b.dir().resolve("key.pem")),
                        m -> section(m, "provenance").putArray("trusted_keys").add("key.pem"), "validate_provenance"),
                failed("the recall script links out of the manifest folder", (b, m) -> {
                    Files.delete(b.scriptPath());
                    Files.createSymbolicLink(b.scriptPath(), Path.of("/bin/sh"));
                }, "outside the allowed script folders"),
                failed("the recall script is a FIFO", (b, m) -> fifo(b.scriptPath()), "not a regular file"),
                failed("the recall script is not executable", (b, m) -> b.scriptPath().toFile().setExecutable(false, false),
                        "not executable"),

                // recall scripts
                script("a recall that fails with escape sequences on stderr", ExitCode.FAILED,
                        "printf 'boom\\033[2J\\r\\n' >&2\nexit 3\n", "exited with code 3: boom\\x1b[2J"),
                script("a recall that leaves setsid, double-forked and background children", ExitCode.PASSED,
                        "setsid sleep %MARK% >/dev/null 2>&1 < /dev/null &\n"
                                + "( ( sleep %MARK% >/dev/null 2>&1 & ) & )\n"
                                + "for i in 1 2 3 4 5 6 7 8 9 10; do sleep %MARK% >/dev/null 2>&1 & done\n"
                                + RESTORE, "PASS"),
                script("a recall whose child keeps stdout open", ExitCode.PASSED,
                        "sleep %MARK% &\n" + RESTORE, "PASS"),
                script("a recall that floods stdout with 50 MB", ExitCode.PASSED,
                        "head -c 50000000 /dev/zero | tr '\\0' 'x'\n" + RESTORE, "PASS"),
                script("a recall that reads stdin", ExitCode.PASSED, "cat\nread line || true\n" + RESTORE, "PASS"),
                script("a recall that writes outside the restore folder", ExitCode.PASSED,
                        "echo stray > \"$(dirname \"$1\")/../stray-%MARK%.txt\"\n" + RESTORE, "PASS"),
                new Case("a recall that traps signals and outlives its timeout",
                        (b, m) -> b.withTimeoutSeconds(2L).withScript("#!/bin/sh\ntrap '' TERM HUP INT\n"
                                + "sleep %MARK% &\nsleep %MARK%\n".replace("%MARK%", m)),
                        (b, m) -> { }, ExitCode.FAILED, "timed out after 2s", Hostile.marker()),
                script("a restore that is a symbolic link to the backup", ExitCode.FAILED,
                        "ln -s \"$1\" \"$4/\"\n", "is a symbolic link"),
                script("a restore that is a hard link to the backup", ExitCode.FAILED,
                        "ln \"$1\" \"$4/\"\n", "same file (device and inode) as backup.path"),
                script("a restore that is a hard link to the SBOM", ExitCode.FAILED,
                        "ln \"$3\" \"$4/backup.json\"\n", "is the same file (device and inode) as"),
                script("a restore folder swapped for a link to the backup's folder", ExitCode.FAILED,
                        "rmdir \"$4\" && ln -s \"$(dirname \"$1\")\" \"$4\"\n", "same file (device and inode) as backup.path"),

                // SBOMs that attest nothing
                new Case("an SBOM with no components", (b, m) -> b.withSbomComponents(0), (b, m) -> { },
                        ExitCode.FAILED, "the SBOM lists no components", Hostile.marker()),
                new Case("an SBOM with fewer components than sbom.min_components",
                        (b, m) -> b.withManifestTweak(j -> section(j, "sbom").put("min_components", 10)),
                        (b, m) -> { }, ExitCode.FAILED, "lists 3 components, fewer than sbom.min_components 10",
                        Hostile.marker()),
                new Case("an SBOM with no components accepted by sbom.min_components 0",
                        (b, m) -> b.withSbomComponents(0).withManifestTweak(j -> section(j, "sbom").put("min_components", 0)),
                        (b, m) -> { }, ExitCode.PASSED, "PASS", Hostile.marker()));
    }

    private static Case invalid(String name, Consumer<ObjectNode> tweak, String says) {
        return new Case(name, (b, m) -> b.withManifestTweak(tweak), (b, m) -> { }, ExitCode.INVALID, says,
                Hostile.marker());
    }

    private static Case rawManifest(String name, byte[] content, String says) {
        return new Case(name, (b, m) -> { }, (b, m) -> Files.write(b.manifestPath(), content), ExitCode.INVALID, says,
                Hostile.marker());
    }

    private static Case failed(String name, Consumer<ObjectNode> tweak, String says) {
        return new Case(name, (b, m) -> b.withManifestTweak(tweak), (b, m) -> { }, ExitCode.FAILED, says,
                Hostile.marker());
    }

    private static Case failed(String name, Given after, String says) {
        return new Case(name, (b, m) -> { }, after, ExitCode.FAILED, says, Hostile.marker());
    }

    private static Case failed(String name, Given after, Consumer<ObjectNode> tweak, String says) {
        return new Case(name, (b, m) -> b.withManifestTweak(tweak), after, ExitCode.FAILED, says, Hostile.marker());
    }

    private static Case script(String name, ExitCode exit, String body, String says) {
        return new Case(name, (b, m) -> b.withScript("#!/bin/sh\n" + body.replace("%MARK%", m)), (b, m) -> { }, exit,
                says, Hostile.marker());
    }

    private static ObjectNode section(ObjectNode manifest, String name) {
        return manifest.has(name) && manifest.get(name).isObject() ? (ObjectNode) manifest.get(name)
                : manifest.putObject(name);
    }

    private static void loop(Path file) throws Exception {
        Files.delete(file);
        Path other = file.resolveSibling("loop-" + file.getFileName());
        Files.createSymbolicLink(file, other.getFileName());
        Files.createSymbolicLink(other, file.getFileName());
    }

    static void fifo(Path file) throws Exception {
        Files.deleteIfExists(file);
        Process mkfifo = new ProcessBuilder("mkfifo", file.toString()).inheritIO().start();
        assertThat(mkfifo.waitFor()).isZero();
    }

    static List<String> names() {
        return cases().map(Case::name).toList();
    }
}
