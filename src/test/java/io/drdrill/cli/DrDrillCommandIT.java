package io.drdrill.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.drdrill.testsupport.Hostile;
import io.drdrill.testsupport.TestBundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The packaged {@code bin/dr-drill run} as a pipeline runs it: a real process, its exit code, its evidence. */
class DrDrillCommandIT {

    private static final Path PROJECT = Path.of("").toAbsolutePath();
    private static final Path COMMAND = PROJECT.resolve("bin/dr-drill");
    private static final String SAMPLE_TIME = "2026-11-20T06:30:00Z";

    @TempDir
    Path work;

    @Test
    void theSampleBundlePassesWithExitZeroAndWritesAllEvidence() throws Exception {
        // Given a copy of the sample bundle
        Path bundle = copySample();

        // When the README's command runs on it
        Result run = drill(work, "run", "--manifest", bundle.resolve("manifest.json").toString(),
                "--current-time", SAMPLE_TIME);

        // Then it passes with one verdict line and the evidence is in artifacts/dr
        assertThat(run.exit).isZero();
        assertThat(run.stdout.strip()).matches(
                "\\[dr-drill] PASS: RTO=\\d+\\.\\ds \\(limit=900s\\), RPO=30\\.0m \\(limit=10080m\\)");
        Path evidence = work.resolve("artifacts/dr");
        JsonNode report = json(evidence.resolve("dr-report.json"));
        assertThat(report.path("schema").asText()).isEqualTo("dr_drill.v2");
        assertThat(report.path("status").asText()).isEqualTo("passed");
        assertThat(report.path("metrics").path("rpo_minutes").asDouble()).isEqualTo(30.0);
        assertThat(report.path("notes").path("services_checked").asInt()).isEqualTo(5);
        assertThat(lines(evidence.resolve("dr-events.ndjson"))).hasSize(7);
        assertThat(run.stderr.lines()).as("one progress line per step in a log").hasSize(7)
                .allMatch(line -> line.matches("\\[dr-drill] [1-7]/7 [a-z_]+ passed in \\d+\\.\\d s.*"));
        assertThat(json(evidence.resolve("drill-metrics.json")).path("run_id").asText())
                .isEqualTo(report.path("run_id").asText());
        assertThat(Files.readString(evidence.resolve("restore/recall-stdout.log"))).contains("recall complete");
    }

    @Test
    void aFlippedByteFailsAtVerifyBackupDigestAndReplacesTheOlderGreenReport() throws Exception {
        // Given a folder holding the green report of an earlier drill
        Path bundle = copySample();
        Path report = work.resolve("out/dr-report.json");
        assertThat(drill(work, "run", "--manifest", bundle.resolve("manifest.json").toString(),
                "--current-time", SAMPLE_TIME, "--output", report.toString()).exit).isZero();
        String greenRunId = json(report).path("run_id").asText();

        // When one byte of the backup is flipped and the drill runs again into the same folder
        byte[] bytes = Files.readAllBytes(bundle.resolve("backup.json"));
        bytes[100] ^= 0x20;
        Files.write(bundle.resolve("backup.json"), bytes);
        Result run = drill(work, "run", "--manifest", bundle.resolve("manifest.json").toString(),
                "--current-time", SAMPLE_TIME, "--output", report.toString());

        // Then exit 1, one FAIL line naming the stage, and the report and events say so
        assertThat(run.exit).isEqualTo(1);
        assertThat(run.stdout.strip()).startsWith("[dr-drill] FAIL at verify_backup_digest: backup digest mismatch")
                .doesNotContain("\n");
        JsonNode failed = json(report);
        assertThat(failed.path("run_id").asText()).isNotEqualTo(greenRunId);
        assertThat(failed.path("status").asText()).isEqualTo("failed");
        assertThat(failed.path("failed_stage").asText()).isEqualTo("verify_backup_digest");
        List<String> events = lines(work.resolve("out/dr-events.ndjson"));
        assertThat(events).hasSize(1);
        assertThat(TestBundle.JSON.readTree(events.get(0)).path("status").asText()).isEqualTo("failure");
        assertThat(json(work.resolve("out/drill-metrics.json")).path("status").asText()).isEqualTo("failed");
        assertThat(work.resolve("out/restore/recall-stdout.log")).doesNotExist();
    }

    @Test
    void aBackupBeyondTheRpoLimitExitsThree() throws Exception {
        // Given the sample bundle, a week and a day after its capture time
        Path bundle = copySample();

        // When the drill runs
        Result run = drill(work, "run", "--manifest", bundle.resolve("manifest.json").toString(),
                "--current-time", "2026-11-28T06:00:00Z");

        // Then exit 3 and the breach is named with limit and observed value
        assertThat(run.exit).isEqualTo(3);
        assertThat(run.stdout.strip()).startsWith("[dr-drill] POLICY VIOLATION at enforce_policies: "
                + "max_rpo_minutes breached: observed 11520m > limit 10080m");
        assertThat(json(work.resolve("artifacts/dr/dr-report.json")).path("status").asText())
                .isEqualTo("policy_violation");
    }

    @Test
    void anInvalidManifestExitsTwoAndIsRecordedAsInvalid() throws Exception {
        // Given a manifest with a malformed capture time
        Path bundle = copySample();
        Path manifest = bundle.resolve("manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replace("2026-11-20T06:00:00Z", "yesterday"));

        // When the drill runs
        Result run = drill(work, "run", "--manifest", manifest.toString());

        // Then exit 2, the field is named, and the evidence records an invalid drill
        assertThat(run.exit).isEqualTo(2);
        assertThat(run.stdout.strip()).startsWith("[dr-drill] INVALID: manifest field backup.captured_at");
        assertThat(json(work.resolve("artifacts/dr/dr-report.json")).path("status").asText()).isEqualTo("invalid");
    }

    @Test
    void aMissingManifestFileExitsTwo() throws Exception {
        Result run = drill(work, "run", "--manifest", work.resolve("nope.json").toString());

        assertThat(run.exit).isEqualTo(2);
        assertThat(run.stdout.strip()).startsWith("[dr-drill] INVALID: manifest ").endsWith("does not exist");
    }

    @Test
    void badInvocationsGiveOneLineAndExitTwoWithoutStartingADrill() throws Exception {
        // When the command is called without a manifest, with an unknown option, or with a bad time
        Result noManifest = drill(work, "run");
        Result unknown = drill(work, "run", "--manifest", "m.json", "--frobnicate");
        Result badTime = drill(work, "run", "--manifest", "m.json", "--current-time", "noon");
        Result noCommand = drill(work);

        // Then each gets one clear line on stderr and exit 2, and no evidence is written
        for (Result run : List.of(noManifest, unknown, badTime, noCommand)) {
            assertThat(run.exit).isEqualTo(2);
            assertThat(run.stderr.strip()).startsWith("[dr-drill] ERROR: ").doesNotContain("\n");
        }
        assertThat(noManifest.stderr).contains("--manifest");
        assertThat(badTime.stderr).contains("--current-time");
        assertThat(work.resolve("artifacts")).doesNotExist();
    }

    @Test
    void aHangingRecallScriptIsKilledWithItsChildrenAndTheDrillFails() throws Exception {
        // Given a recall script that starts a helper process and then hangs, with a 2-second timeout
        Path bundle = copySample();
        String marker = Hostile.marker();
        TestBundle.writeExecutable(bundle.resolve("recall.sh"),
                "#!/bin/sh\nsleep " + marker + " &\nsleep " + marker + "\n");
        Path manifest = bundle.resolve("manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replace("\"timeout_seconds\": 300",
                "\"timeout_seconds\": 2"));

        // When the drill runs
        Result run = drill(work, "run", "--manifest", manifest.toString(), "--current-time", SAMPLE_TIME);

        // Then it fails at restore_artifact and nothing the script started is still running
        assertThat(run.exit).isEqualTo(1);
        assertThat(run.stdout).contains("FAIL at restore_artifact: recall script timed out after 2s");
        assertThat(Hostile.survivors(marker)).as("the script and its background child").isEmpty();
    }

    @Test
    void noOutcomePrintsAStackTrace() throws Exception {
        // Given runs that pass, fail and are invalid
        Path bundle = copySample();
        List<Result> runs = new ArrayList<>();
        runs.add(drill(work, "run", "--manifest", bundle.resolve("manifest.json").toString()));
        Files.writeString(bundle.resolve("sbom.cdx.json"), "{ not json");
        runs.add(drill(work, "run", "--manifest", bundle.resolve("manifest.json").toString()));
        runs.add(drill(work, "run", "--manifest", "/dev/null"));

        // Then the terminal shows verdicts, never Java internals
        for (Result run : runs) {
            assertThat(run.stdout + run.stderr).doesNotContain("Exception").doesNotContain("\tat ");
        }
        assertThat(runs.get(1).stdout).startsWith("[dr-drill] FAIL at validate_sbom: SBOM sbom.cdx.json is not valid JSON");
    }

    @Test
    void onATerminalTheDrillShowsALiveBarAndQuietShowsOnlyTheVerdict() throws Exception {
        // Given a bundle whose raw backup of 64 MiB is copied by the restore
        TestBundle bundle = TestBundle.create(work.resolve("big")).withPolicies(null, null).write();
        byte[] bytes = new byte[64 << 20];
        new java.util.Random(7).nextBytes(bytes);
        Path backup = Files.write(bundle.dir().resolve("backup.bin"), bytes);
        String sha = TestBundle.sha256(bytes);
        Files.write(bundle.sbomPath(), TestBundle.JSON.writeValueAsBytes(TestBundle.sbom(3, sha)));
        Files.write(bundle.provenancePath(), TestBundle.JSON.writeValueAsBytes(TestBundle.dsseEnvelope("backup.bin", sha)));
        com.fasterxml.jackson.databind.node.ObjectNode manifest = bundle.manifestJson();
        ((com.fasterxml.jackson.databind.node.ObjectNode) manifest.get("backup")).put("path", backup.getFileName().toString())
                .put("sha256", sha).put("format", "raw");
        Files.write(bundle.manifestPath(), TestBundle.JSON.writeValueAsBytes(manifest));

        // When the drill runs on a pseudo-terminal, and again with --quiet into a log
        Path transcript = work.resolve("terminal.txt");
        Process onTerminal = new ProcessBuilder("script", "-qfec", COMMAND + " run --manifest " + bundle.manifestPath()
                + " --output " + work.resolve("tty/dr-report.json"), transcript.toString())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
        assertThat(onTerminal.waitFor(180, TimeUnit.SECONDS)).isTrue();
        Result quiet = drill(work, "run", "--quiet", "--manifest", bundle.manifestPath().toString(),
                "--output", work.resolve("quiet/dr-report.json").toString());

        // Then the terminal saw the steps redrawn in place with a bar, bytes and throughput (the digest's read ran
        // while the engine started, before the steps were shown), then the verdict; the quiet run printed the
        // verdict alone
        String screen = Files.readString(transcript);
        assertThat(screen).contains("\r[dr-drill] 1/7 verify_backup_digest passed in ")
                .contains("\r[dr-drill] 5/7 restore_artifact copying backup.bin [").contains("64.0 MiB / 64.0 MiB").contains("MiB/s")
                .contains("[dr-drill] PASS: RTO=");
        assertThat(quiet.exit).isZero();
        assertThat(quiet.stderr).isEmpty();
        assertThat(quiet.stdout.lines()).singleElement().asString().startsWith("[dr-drill] PASS: RTO=");
    }

    @Test
    void aSignedVerdictVerifiesWithTheCommandAndWithOpensslAndNotAfterOneByteOfTheReportChanged() throws Exception {
        // Given an ECDSA P-256 signing key made by openssl, and the sample bundle
        Path key = work.resolve("attestation.key.pem");
        Path pub = work.resolve("attestation.pub.pem");
        assertThat(run(work, "openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-out", key.toString()).exit).isZero();
        assertThat(run(work, "openssl", "pkey", "-in", key.toString(), "-pubout", "-out", pub.toString()).exit).isZero();
        Path bundle = copySample();

        // When the drill runs with --attestation-key
        Result drill = drill(work, "run", "--manifest", bundle.resolve("manifest.json").toString(),
                "--current-time", SAMPLE_TIME, "--attestation-key", key.toString(), "--quiet");
        Path evidence = work.resolve("artifacts/dr");
        Path attestation = evidence.resolve("dr-attestation.intoto.json");

        // Then the attestation names the report, events, metrics and the restored artifact, and verifies both with
        // the command and with openssl over the DSSE PAE
        assertThat(drill.exit).as(drill.stdout + drill.stderr).isZero();
        JsonNode envelope = json(attestation);
        byte[] payload = java.util.Base64.getDecoder().decode(envelope.path("payload").asText());
        JsonNode statement = TestBundle.JSON.readTree(payload);
        assertThat(statement.path("predicateType").asText()).isEqualTo("https://drdrill.io/attestation/dr-drill/v1");
        assertThat(statement.path("predicate").path("status").asText()).isEqualTo("passed");
        assertThat(statement.path("subject").findValuesAsText("name"))
                .contains("dr-report.json", "dr-events.ndjson", "drill-metrics.json", "engine-history.ndjson", "restored/backup.json");
        Result verified = drill(work, "verify-attestation", "--key", pub.toString(), "--restore-dir",
                work.resolve("bundle/restored").toString(), attestation.toString());
        assertThat(verified.exit).as(verified.stdout + verified.stderr).isZero();
        assertThat(verified.stdout).contains("[dr-drill] VERIFIED: run " + statement.path("predicate").path("run_id").asText())
                .contains("ok         restored/backup.json");
        String type = envelope.path("payloadType").asText();
        byte[] pae = ("DSSEv1 " + type.length() + " " + type + " " + payload.length + " ").getBytes(
                java.nio.charset.StandardCharsets.UTF_8);
        Path paeFile = work.resolve("pae.bin");
        Files.write(paeFile, pae);
        Files.write(paeFile, payload, java.nio.file.StandardOpenOption.APPEND);
        Path sig = work.resolve("sig.der");
        Files.write(sig, java.util.Base64.getDecoder().decode(envelope.path("signatures").get(0).path("sig").asText()));
        Result openssl = run(work, "openssl", "dgst", "-sha256", "-verify", pub.toString(), "-signature",
                sig.toString(), paeFile.toString());
        assertThat(openssl.exit).as(openssl.stdout + openssl.stderr).isZero();
        assertThat(openssl.stdout).contains("Verified OK");

        // And after one byte of the report changes, the command refuses it, naming the report
        byte[] report = Files.readAllBytes(evidence.resolve("dr-report.json"));
        report[report.length - 5] ^= 0x01;
        Files.write(evidence.resolve("dr-report.json"), report);
        Result tampered = drill(work, "verify-attestation", "--key", pub.toString(), attestation.toString());
        assertThat(tampered.exit).isEqualTo(1);
        assertThat(tampered.stdout).contains("mismatch   dr-report.json");
        assertThat(tampered.stderr.strip()).startsWith("[dr-drill] NOT VERIFIED: the signature is good but a subject differs");
    }

    @Test
    void aDrillOfSmallFilesRunsOnC1AloneAndOneWithALargeBackupOnBothCompilersReadingItAsTheEngineStarts()
            throws Exception {
        // Given the sample bundle, and a copy of it whose backup is a 40 MiB file (not JSON) named by its digest
        Path small = copySample("small");
        Path large = copySample("large");
        Path bigBackup = large.resolve("backup.json");
        String sampleDigest = TestBundle.sha256(bigBackup);
        try (RandomAccessFile backup = new RandomAccessFile(bigBackup.toFile(), "rw")) {
            backup.setLength(40L << 20);
        }
        Path largeManifest = large.resolve("manifest.json");
        Files.writeString(largeManifest, Files.readString(largeManifest)
                .replace(sampleDigest, TestBundle.sha256(bigBackup)));
        Map<String, String> timings = Map.of("DR_DRILL_STARTUP_TIMINGS", "1");

        // When each is drilled with the start-up timings shown
        Result fast = drill(work, timings, "run", "--manifest", small.resolve("manifest.json").toString(),
                "--current-time", SAMPLE_TIME, "--output", work.resolve("small-evidence/dr-report.json").toString());
        Result slow = drill(work, timings, "run", "--manifest", large.resolve("manifest.json").toString(),
                "--current-time", SAMPLE_TIME, "--output", work.resolve("large-evidence/dr-report.json").toString());

        // Then the small drill ran on C1 alone, the large one (which fails its payload) on C1 and C2, its backup
        // read while the engine started, and every phase of their start-up took a time of zero or more
        assertThat(fast.exit).isZero();
        assertThat(fast.stderr).contains("[dr-drill] start-up: compilers C1 only");
        assertThat(slow.exit).isEqualTo(1);
        assertThat(slow.stderr).contains("[dr-drill] start-up: compilers C1 and C2");
        assertThat(slow.stdout).contains("FAIL at verify_backup_payload");
        assertThat(work.resolve("large-evidence/dr-report.json")).content().contains("\"backup_read_early\"");
        assertThat(work.resolve("small-evidence/dr-report.json")).content().doesNotContain("backup_read_early");
        for (Result run : List.of(fast, slow)) {
            List<String> phases = run.stderr.lines().filter(line -> line.matches("\\[dr-drill] start-up [a-zA-Z].*"))
                    .toList();
            assertThat(phases).hasSizeGreaterThan(5).allMatch(line -> line.matches(".* \\d+\\.\\d\\d s"),
                    "a time of zero or more");
        }
    }

    private static Result run(Path cwd, String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(cwd.toFile()).start();
        String out = new String(process.getInputStream().readAllBytes());
        String err = new String(process.getErrorStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), out, err);
    }

    private Path copySample() throws IOException {
        return copySample("bundle");
    }

    private Path copySample(String name) throws IOException {
        Path target = work.resolve(name);
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(PROJECT.resolve("data/dr"))) {
            for (Path file : files.toList()) {
                Files.copy(file, target.resolve(file.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        Path manifest = target.resolve("manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replace("../../artifacts/dr/restore", "restored"));
        return target;
    }

    private static Result drill(Path cwd, String... args) throws Exception {
        return drill(cwd, Map.of(), args);
    }

    private static Result drill(Path cwd, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(COMMAND.toString());
        command.addAll(List.of(args));
        Path out = Files.createTempFile("dr-drill-out", ".txt");
        Path err = Files.createTempFile("dr-drill-err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(cwd.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("dr-drill did not finish: " + command);
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static JsonNode json(Path file) throws IOException {
        return TestBundle.JSON.readTree(file.toFile());
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList();
    }

    private record Result(int exit, String stdout, String stderr) {
    }
}
