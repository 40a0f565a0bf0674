package io.drdrill.evidence;

import io.drdrill.restore.RestoreRunner;
import io.drdrill.testsupport.TestBundle;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.drdrill.testsupport.TestBundle.JSON;
import static org.assertj.core.api.Assertions.assertThat;

class EvidenceWriterTest {

    private static final Instant T0 = Instant.parse("2026-02-01T12:00:00Z");
    private static final String MANIFEST_SHA = "ab".repeat(32);

    @TempDir
    Path tempDir;

    private final EvidenceWriter writer = new EvidenceWriter();

    private static List<DrillEvent> events(String runId, int successes, boolean lastFails) {
        List<DrillEvent> events = new ArrayList<>();
        String[] steps = {"verify_backup_digest", "verify_backup_payload", "validate_sbom", "validate_provenance",
                "restore_artifact", "validate_restored_backup", "enforce_policies"};
        for (int i = 0; i < successes; i++) {
            events.add(new DrillEvent(steps[i], T0.plusSeconds(i), T0.plusSeconds(i).plusMillis(500),
                    DrillEvent.Status.SUCCESS, "step " + i + " ok", runId));
        }
        if (lastFails) {
            events.add(new DrillEvent(steps[successes], T0.plusSeconds(successes), T0.plusSeconds(successes + 1),
                    DrillEvent.Status.FAILURE, "backup digest mismatch", runId));
        }
        return events;
    }

    private static DrillRecord passed(String runId) {
        Map<String, Object> notes = new LinkedHashMap<>();
        notes.put("services_checked", 3);
        notes.put("rpo_minutes", 30.0);
        return new DrillRecord(runId, T0, T0.plusSeconds(8), DrillStatus.PASSED, "/drills/manifest.json",
                MANIFEST_SHA, T0.minusSeconds(1800), 1.234, 30.0, null, null, notes, events(runId, 7, false),
                "pi-1");
    }

    private static DrillRecord failed(String runId) {
        return new DrillRecord(runId, T0, T0.plusSeconds(1), DrillStatus.FAILED, "/drills/manifest.json",
                MANIFEST_SHA, T0.minusSeconds(1800), null, null, "verify_backup_digest",
                new DrillRecord.Error("DrDrillError", "backup digest mismatch"), Map.of(), events(runId, 0, true),
                null);
    }

    private static JsonNode readJson(Path file) throws IOException {
        return JSON.readTree(file.toFile());
    }

    private static List<String> hiddenFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
        }
    }

    @Test
    void reportOfAFailedDrillHasEveryField() throws IOException {
        // Given a failed drill record
        EvidencePaths paths = EvidencePaths.in(tempDir);

        // When it is written
        writer.write(failed("run-1"), paths);

        // Then the report holds schema, ids, status, times, metrics with nulls, failed stage and error
        JsonNode report = readJson(tempDir.resolve("dr-report.json"));
        assertThat(report.get("schema").asText()).isEqualTo("dr_drill.v2").isEqualTo(EvidenceWriter.SCHEMA);
        assertThat(report.get("run_id").asText()).isEqualTo("run-1");
        assertThat(report.get("status").asText()).isEqualTo("failed");
        assertThat(report.get("started_at").asText()).isEqualTo("2026-02-01T12:00:00Z");
        assertThat(report.get("ended_at").asText()).isEqualTo("2026-02-01T12:00:01Z");
        assertThat(report.get("backup_captured_at").asText()).isEqualTo("2026-02-01T11:30:00Z");
        assertThat(report.get("manifest").asText()).isEqualTo("/drills/manifest.json");
        assertThat(report.get("manifest_sha256").asText()).isEqualTo("sha256:" + MANIFEST_SHA);
        assertThat(report.get("metrics").has("rto_seconds")).isTrue();
        assertThat(report.get("metrics").get("rto_seconds").isNull()).isTrue();
        assertThat(report.get("metrics").has("rpo_minutes")).isTrue();
        assertThat(report.get("metrics").get("rpo_minutes").isNull()).isTrue();
        assertThat(report.get("failed_stage").asText()).isEqualTo("verify_backup_digest");
        assertThat(report.get("error").get("type").asText()).isEqualTo("DrDrillError");
        assertThat(report.get("error").get("message").asText()).isEqualTo("backup digest mismatch");
        assertThat(report.get("notes").isObject()).isTrue();
        assertThat(report.get("notes").isEmpty()).isTrue();
        assertThat(report.has("process_instance_id")).isTrue();
        assertThat(report.get("process_instance_id").isNull()).isTrue();
        assertThat(report.get("evidence").get("events").asText()).isEqualTo(tempDir.resolve("dr-events.ndjson").toString());
        assertThat(report.get("evidence").get("metrics").asText()).isEqualTo(tempDir.resolve("drill-metrics.json").toString());
    }

    @Test
    void reportOfAPassedDrillHasMetricsAndNotes() throws IOException {
        // Given a passed drill record
        EvidencePaths paths = EvidencePaths.in(tempDir);

        // When it is written
        writer.write(passed("run-2"), paths);

        // Then metrics and notes are filled and failed_stage/error are null
        JsonNode report = readJson(paths.report());
        assertThat(report.get("status").asText()).isEqualTo("passed");
        assertThat(report.get("metrics").get("rto_seconds").asDouble()).isEqualTo(1.234);
        assertThat(report.get("metrics").get("rpo_minutes").asDouble()).isEqualTo(30.0);
        assertThat(report.get("notes").get("services_checked").asInt()).isEqualTo(3);
        assertThat(report.get("failed_stage").isNull()).isTrue();
        assertThat(report.get("error").isNull()).isTrue();
        assertThat(report.get("process_instance_id").asText()).isEqualTo("pi-1");
    }

    @Test
    void eventsFileHasOneJsonObjectPerLine() throws IOException {
        // Given a record with two successful steps and one failure
        DrillRecord record = new DrillRecord("run-3", T0, T0.plusSeconds(3), DrillStatus.FAILED, "m.json",
                MANIFEST_SHA, T0, null, null, "validate_sbom", new DrillRecord.Error("DrDrillError", "no components"),
                Map.of(), events("run-3", 2, true), null);

        // When it is written
        writer.write(record, EvidencePaths.in(tempDir));

        // Then the events file has one JSON object per line with every field
        List<String> lines = Files.readAllLines(tempDir.resolve("dr-events.ndjson"), StandardCharsets.UTF_8);
        assertThat(lines).hasSize(3);
        List<JsonNode> events = new ArrayList<>();
        for (String line : lines) {
            JsonNode event = JSON.readTree(line);
            assertThat(event.isObject()).isTrue();
            assertThat(event.fieldNames()).toIterable()
                    .containsExactly("step", "started_at", "ended_at", "status", "notes", "run_id");
            events.add(event);
        }
        assertThat(events).extracting(e -> e.get("step").asText())
                .containsExactly("verify_backup_digest", "verify_backup_payload", "validate_sbom");
        assertThat(events).extracting(e -> e.get("status").asText()).containsExactly("success", "success", "failure");
        assertThat(events).extracting(e -> e.get("run_id").asText()).containsOnly("run-3");
        assertThat(events.get(0).get("started_at").asText()).isEqualTo("2026-02-01T12:00:00Z");
        assertThat(events.get(0).get("ended_at").asText()).isEqualTo("2026-02-01T12:00:00.500Z");
        assertThat(events.get(0).get("notes").asText()).isEqualTo("step 0 ok");
        assertThat(events.get(2).get("notes").asText()).isEqualTo("backup digest mismatch");
        assertThat(Files.readString(tempDir.resolve("dr-events.ndjson"))).endsWith("}\n");
    }

    @Test
    void eventWithNullNotesIsWrittenAsNull() throws IOException {
        // Given an event without notes
        DrillRecord record = new DrillRecord("run-n", T0, T0, DrillStatus.PASSED, null, null, null, null, null,
                null, null, Map.of(), List.of(new DrillEvent("validate_sbom", T0, T0, DrillEvent.Status.SUCCESS, null,
                "run-n")), null);

        // When it is written
        writer.write(record, EvidencePaths.in(tempDir));

        // Then notes is null, and the report has nulls for manifest data
        JsonNode event = JSON.readTree(Files.readAllLines(tempDir.resolve("dr-events.ndjson")).get(0));
        assertThat(event.get("notes").isNull()).isTrue();
        JsonNode report = readJson(tempDir.resolve("dr-report.json"));
        assertThat(report.get("manifest").isNull()).isTrue();
        assertThat(report.get("manifest_sha256").isNull()).isTrue();
        assertThat(report.get("backup_captured_at").isNull()).isTrue();
    }

    @Test
    void recordWithoutEventsWritesAnEmptyEventsFile() throws IOException {
        // Given a record of an invalid manifest with no events
        DrillRecord record = new DrillRecord("run-0", T0, T0, DrillStatus.INVALID, "m.json", null, null, null, null,
                null, new DrillRecord.Error("InvalidManifestException", "manifest field backup: is required"),
                Map.of(), List.of(), null);

        // When it is written
        writer.write(record, EvidencePaths.in(tempDir));

        // Then the events file is empty and the report says invalid
        assertThat(tempDir.resolve("dr-events.ndjson")).isEmptyFile();
        assertThat(readJson(tempDir.resolve("dr-report.json")).get("status").asText()).isEqualTo("invalid");
    }

    @Test
    void metricsFileHasRunIdCaptureTimeMetricsAndStatus() throws IOException {
        // Given a passed record
        writer.write(passed("run-4"), EvidencePaths.in(tempDir));

        // When the metrics file is read
        JsonNode metrics = readJson(tempDir.resolve("drill-metrics.json"));

        // Then it holds exactly these fields
        assertThat(metrics.fieldNames()).toIterable()
                .containsExactly("run_id", "backup_captured_at", "metrics", "status");
        assertThat(metrics.get("run_id").asText()).isEqualTo("run-4");
        assertThat(metrics.get("backup_captured_at").asText()).isEqualTo("2026-02-01T11:30:00Z");
        assertThat(metrics.get("metrics").get("rto_seconds").asDouble()).isEqualTo(1.234);
        assertThat(metrics.get("metrics").get("rpo_minutes").asDouble()).isEqualTo(30.0);
        assertThat(metrics.get("status").asText()).isEqualTo("passed");
    }

    @Test
    void metricsFileOfAPolicyViolationHasNullsWhereNull() throws IOException {
        // Given a policy violation record with RPO but no RTO
        DrillRecord record = new DrillRecord("run-5", T0, T0, DrillStatus.POLICY_VIOLATION, "m.json", MANIFEST_SHA,
                T0, null, 45.5, "enforce_policies", new DrillRecord.Error("PolicyViolation", "max_rpo_minutes breached"),
                Map.of(), List.of(), null);

        // When it is written
        writer.write(record, EvidencePaths.in(tempDir));

        // Then nulls stay null
        JsonNode metrics = readJson(tempDir.resolve("drill-metrics.json"));
        assertThat(metrics.get("status").asText()).isEqualTo("policy_violation");
        assertThat(metrics.get("metrics").get("rto_seconds").isNull()).isTrue();
        assertThat(metrics.get("metrics").get("rpo_minutes").asDouble()).isEqualTo(45.5);
    }

    @Test
    void failedRecordReplacesAnOlderPassedReport() throws IOException {
        // Given a folder holding the evidence of an earlier passed drill
        EvidencePaths paths = EvidencePaths.in(tempDir);
        writer.write(passed("run-old"), paths);
        assertThat(readJson(paths.report()).get("status").asText()).isEqualTo("passed");

        // When a failed drill is written into it
        writer.write(failed("run-new"), paths);

        // Then every file describes the new drill
        JsonNode report = readJson(paths.report());
        assertThat(report.get("run_id").asText()).isEqualTo("run-new");
        assertThat(report.get("status").asText()).isEqualTo("failed");
        assertThat(report.get("metrics").get("rto_seconds").isNull()).isTrue();
        assertThat(readJson(paths.metrics()).get("run_id").asText()).isEqualTo("run-new");
        assertThat(Files.readAllLines(paths.events())).hasSize(1)
                .allSatisfy(line -> assertThat(line).contains("\"run_id\":\"run-new\""));
        assertThat(hiddenFiles(tempDir)).isEmpty();
    }

    @Test
    void writeRunningMarksTheReportAsRunning() throws IOException {
        // Given a folder with an earlier passed report
        EvidencePaths paths = EvidencePaths.in(tempDir);
        writer.write(passed("run-old"), paths);

        // When a new drill starts
        writer.writeRunning("run-7", T0, "/drills/manifest.json", "pi-7", paths);

        // Then the report says running, with no verdict data
        JsonNode report = readJson(paths.report());
        assertThat(report.get("schema").asText()).isEqualTo("dr_drill.v2");
        assertThat(report.get("run_id").asText()).isEqualTo("run-7");
        assertThat(report.get("status").asText()).isEqualTo("running");
        assertThat(report.get("started_at").asText()).isEqualTo("2026-02-01T12:00:00Z");
        assertThat(report.get("ended_at").isNull()).isTrue();
        assertThat(report.get("manifest").asText()).isEqualTo("/drills/manifest.json");
        assertThat(report.get("manifest_sha256").isNull()).isTrue();
        assertThat(report.get("metrics").get("rto_seconds").isNull()).isTrue();
        assertThat(report.get("metrics").get("rpo_minutes").isNull()).isTrue();
        assertThat(report.get("failed_stage").isNull()).isTrue();
        assertThat(report.get("error").isNull()).isTrue();
        assertThat(report.get("process_instance_id").asText()).isEqualTo("pi-7");
        assertThat(hiddenFiles(tempDir)).isEmpty();
    }

    @Test
    void writeRunningIntoAFolderThatDoesNotExistCreatesIt() throws IOException {
        // Given a report path in a folder that does not exist
        Path dir = tempDir.resolve("a/b/c");

        // When a drill starts
        writer.writeRunning("run-8", T0, null, null, EvidencePaths.in(dir));

        // Then the folder and report exist
        assertThat(readJson(dir.resolve("dr-report.json")).get("status").asText()).isEqualTo("running");
        assertThat(hiddenFiles(dir)).isEmpty();
    }

    @Test
    void noTemporaryFilesAreLeftBehind() throws IOException {
        // Given several writes into one folder
        EvidencePaths paths = EvidencePaths.in(tempDir);
        writer.writeRunning("run-9", T0, "m.json", null, paths);
        writer.write(passed("run-9"), paths);
        writer.write(failed("run-10"), paths);

        // When the folder is listed
        List<String> names;
        try (Stream<Path> files = Files.list(tempDir)) {
            names = files.map(p -> p.getFileName().toString()).sorted().toList();
        }

        // Then it holds only the four evidence files
        assertThat(names).containsExactly("dr-events.ndjson", "dr-report.json", "drill-metrics.json", "report.html");
    }

    @Test
    void reportAndEventsMayLiveOutsideTheEvidenceFolder() throws IOException {
        // Given report and events paths in other folders than the evidence folder
        Path report = tempDir.resolve("out/report.json");
        Path events = tempDir.resolve("logs/events.ndjson");
        Path evidence = tempDir.resolve("evidence");
        EvidencePaths paths = new EvidencePaths(report, events, evidence);

        // When a record is written
        writer.write(passed("run-11"), paths);

        // Then each file is where it was asked to be, and the metrics are in the evidence folder
        assertThat(readJson(report).get("evidence").get("events").asText()).isEqualTo(events.toString());
        assertThat(readJson(report).get("evidence").get("metrics").asText())
                .isEqualTo(evidence.resolve("drill-metrics.json").toString());
        assertThat(Files.readAllLines(events)).hasSize(7);
        assertThat(readJson(evidence.resolve("drill-metrics.json")).get("run_id").asText()).isEqualTo("run-11");
    }

    @Test
    void staleRecallLogsAreRemovedWhenTheRecordHasNoRestoreLogNotes() throws IOException {
        // Given recall logs left by an earlier drill in the evidence folder
        Path logDir = Files.createDirectories(tempDir.resolve(RestoreRunner.LOG_DIR));
        Path stdout = Files.writeString(logDir.resolve("recall-stdout.log"), "old out");
        Path stderr = Files.writeString(logDir.resolve("recall-stderr.log"), "old err");

        // When a record whose notes name no restore logs is written
        writer.write(failed("run-12"), EvidencePaths.in(tempDir));

        // Then both stale logs are gone
        assertThat(stdout).doesNotExist();
        assertThat(stderr).doesNotExist();
    }

    @Test
    void recallLogsNamedInTheNotesAreKept() throws IOException {
        // Given recall logs of this drill, named in the record's notes
        Path logDir = Files.createDirectories(tempDir.resolve(RestoreRunner.LOG_DIR));
        Path stdout = Files.writeString(logDir.resolve(RestoreRunner.STDOUT_LOG), "this run");
        Path stderr = Files.writeString(logDir.resolve(RestoreRunner.STDERR_LOG), "this run err");
        Map<String, Object> notes = new LinkedHashMap<>();
        notes.put(RestoreRunner.STDOUT_FACT, stdout.toString());
        notes.put(RestoreRunner.STDERR_FACT, stderr.toString());
        DrillRecord record = new DrillRecord("run-13", T0, T0, DrillStatus.PASSED, "m.json", MANIFEST_SHA, T0,
                1.0, 1.0, null, null, notes, List.of(), null);

        // When it is written
        writer.write(record, EvidencePaths.in(tempDir));

        // Then the logs are kept and named in the report
        assertThat(stdout).hasContent("this run");
        assertThat(stderr).hasContent("this run err");
        assertThat(readJson(tempDir.resolve("dr-report.json")).get("notes").get("restore_stdout_log").asText())
                .isEqualTo(stdout.toString());
    }

    @Test
    void writtenReportIsValidJsonEndingWithANewline() throws IOException {
        // Given a written record
        writer.write(passed("run-14"), EvidencePaths.in(tempDir));

        // Then each JSON file ends with a newline and parses as one object
        for (String name : List.of("dr-report.json", "drill-metrics.json")) {
            String text = Files.readString(tempDir.resolve(name));
            assertThat(text).endsWith("\n");
            assertThat(TestBundle.JSON.readTree(text).isObject()).isTrue();
        }
    }

    @Test
    void errorWithoutAMessageIsStillWritten() throws IOException {
        // Given a failed record whose error has no message
        DrillRecord record = new DrillRecord("run-15", T0, T0, DrillStatus.FAILED, "m.json", MANIFEST_SHA, T0,
                null, null, "restore_artifact", new DrillRecord.Error("NullPointerException", null), Map.of(),
                List.of(), null);

        // When it is written
        writer.write(record, EvidencePaths.in(tempDir));

        // Then the report holds the error with a null message
        JsonNode error = readJson(tempDir.resolve("dr-report.json")).get("error");
        assertThat(error.get("type").asText()).isEqualTo("NullPointerException");
        assertThat(error.get("message").isNull()).isTrue();
    }

    @Test
    void statusJsonNamesRoundTrip() {
        // Given / When / Then every status has a lower-case JSON name that parses back
        for (DrillStatus status : DrillStatus.values()) {
            assertThat(DrillStatus.fromJson(status.json())).isEqualTo(status);
            assertThat(status.json()).isLowerCase();
        }
        assertThat(DrillStatus.POLICY_VIOLATION.json()).isEqualTo("policy_violation");
    }

    @Test
    void aFailedDrillsPageShowsTheVerdictTheFailedStepInRedAndEscapesWhatInputsSay() throws IOException {
        // Given a failed drill whose manifest path and error carry markup
        DrillRecord record = new DrillRecord("run-html", T0, T0.plusSeconds(1), DrillStatus.FAILED,
                "/drills/<script>alert(1)</script>.json", MANIFEST_SHA, T0.minusSeconds(1800), null, null,
                "verify_backup_digest", new DrillRecord.Error("DrDrillError", "mismatch <img src=x onerror=alert(1)>"),
                Map.of(), events("run-html", 0, true), "pi-9");

        // When its evidence is written
        EvidencePaths paths = EvidencePaths.in(tempDir);
        writer.write(record, paths);

        // Then report.html says Failed, names the step in words with the error, draws its bar as a failure, and
        // holds no markup from the inputs, no script and nothing to fetch
        String html = Files.readString(paths.reportPage());
        assertThat(paths.reportPage()).isEqualTo(tempDir.resolve("report.html"));
        assertThat(html).contains("<span class=\"badge failed\" id=\"status\">Failed</span>")
                .contains("<strong>Verify backup digest</strong>: mismatch &lt;img src=x onerror=alert(1)&gt;")
                .contains("<tr class=\"step failure\" data-step=\"verify_backup_digest\">")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                .contains("content=\"default-src 'none'; style-src 'unsafe-inline'\"")
                .doesNotContain("<script").doesNotContain("<img").doesNotContain("src=\"http");
        assertThat(JSON.readTree(paths.report().toFile()).path("evidence").path("report_page").asText())
                .isEqualTo(paths.reportPage().toString());
    }

    @Test
    void aPassedDrillsPageShowsEveryStepObjectivesAgainstLimitsAndLaterTheReview() throws IOException {
        // Given a passed drill with an RTO limit
        DrillRecord record = passed("run-page");
        Map<String, Object> notes = new LinkedHashMap<>(record.notes());
        notes.put("policy", Map.of("max_rto_seconds", 900.0));
        notes.put("backup_sha256", "sha256:" + "cd".repeat(32));
        record = new DrillRecord(record.runId(), record.startedAt(), record.endedAt(), record.status(),
                record.manifest(), record.manifestSha256(), record.backupCapturedAt(), record.rtoSeconds(),
                record.rpoMinutes(), null, null, notes, record.events(), record.processInstanceId());
        EvidencePaths paths = EvidencePaths.in(tempDir);

        // When its evidence is written, then a review is linked to its report
        writer.write(record, paths);
        String before = Files.readString(paths.reportPage());
        new ReviewEvidence().write(paths.report(), new ReviewEvidence.Review("run-page", "pi-1", "task-1", "passed",
                null, "rosa", "fine", T0.plusSeconds(60)));

        // Then the page lists seven steps, the RTO beside its limit and the digest, and after the review names the reviewer
        assertThat(before.split("class=\"step success\"", -1)).hasSize(8);
        assertThat(before).contains("1.2 s (limit 15 min)").contains("sha256:" + "cd".repeat(32))
                .doesNotContain("Reviewed by");
        assertThat(Files.readString(paths.reportPage())).contains("<tr><th>Reviewed by</th><td>rosa (acknowledged");
    }

    @Test
    void withASigningKeyEveryVerdictIsAttestedAndAReviewIsAttestedAgain() throws Exception {
        // Given an ECDSA P-256 key pair as PEM files, and a writer that signs with it
        java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("EC");
        generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        java.security.KeyPair pair = generator.generateKeyPair();
        Path key = tempDir.resolve("key.pem");
        Path pub = tempDir.resolve("pub.pem");
        Files.writeString(key, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        Files.writeString(pub, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
        EvidenceWriter signing = new EvidenceWriter(java.util.Optional.of(
                io.drdrill.supplychain.DsseSigning.load(key)));
        EvidencePaths paths = EvidencePaths.in(tempDir.resolve("run"));

        // When a failed drill's evidence is written, and later its review
        signing.write(failed("run-att"), paths);
        DrillAttestation.Verification first = DrillAttestation.verify(paths.attestation(), pub,
                java.util.Optional.of(paths.evidenceDir()), java.util.Optional.empty());
        new ReviewEvidence().write(paths.report(), new ReviewEvidence.Review("run-att", "pi-2", "t-1", "failed",
                "verify_backup_digest", "rosa", null, T0.plusSeconds(60)));
        boolean staleAfterReview = DrillAttestation.verify(paths.attestation(), pub,
                java.util.Optional.of(paths.evidenceDir()), java.util.Optional.empty()).allSubjectsMatch();
        signing.attest(paths.report(), paths.evidenceDir());
        DrillAttestation.Verification again = DrillAttestation.verify(paths.attestation(), pub,
                java.util.Optional.of(paths.evidenceDir()), java.util.Optional.empty());

        // Then each attestation verifies with every subject matching, and the second one names the reviewer
        assertThat(first.allSubjectsMatch()).isTrue();
        assertThat(first.statement().path("predicate").path("status").asText()).isEqualTo("failed");
        assertThat(first.statement().path("predicate").path("failed_stage").asText()).isEqualTo("verify_backup_digest");
        assertThat(first.subjects()).extracting(DrillAttestation.SubjectCheck::name)
                .containsExactly("dr-report.json", "dr-events.ndjson", "drill-metrics.json");
        assertThat(staleAfterReview).as("the report changed under the first attestation").isFalse();
        assertThat(again.allSubjectsMatch()).isTrue();
        assertThat(again.statement().path("predicate").path("reviewer").asText()).isEqualTo("rosa");
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }
}
