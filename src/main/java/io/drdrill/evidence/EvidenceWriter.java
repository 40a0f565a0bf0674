package io.drdrill.evidence;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.drdrill.restore.RestoreRunner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes {@code dr-report.json}, {@code dr-events.ndjson} and {@code drill-metrics.json}, each atomically.
 * The events come first and the report last, and a drill replaces the report with a {@code running} one as it
 * starts: whatever happens, the report in a folder never shows an older verdict than the drill that ran last.
 */
public final class EvidenceWriter {

    public static final String SCHEMA = "dr_drill.v2";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    private static final ObjectMapper NDJSON = new ObjectMapper().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

    /** Signs {@code dr-attestation.intoto.json} for every verdict, when a signing key is configured. */
    private final java.util.Optional<io.drdrill.supplychain.DsseSigning.SigningKey> attestationKey;

    public EvidenceWriter() {
        this(java.util.Optional.empty());
    }

    public EvidenceWriter(java.util.Optional<io.drdrill.supplychain.DsseSigning.SigningKey> attestationKey) {
        this.attestationKey = attestationKey;
    }

    /**
     * Issues the drill's attestation again from the evidence as it is now (after a review or sign-off changed
     * the report, or once more files such as the engine history are in place); nothing without a signing key.
     */
    public void attest(Path report, Path evidenceDir) {
        attestationKey.ifPresent(key -> DrillAttestation.write(report, evidenceDir, key));
    }

    /** Marks the report as in progress so that an older verdict never outlives a newer drill. */
    public void writeRunning(String runId, Instant startedAt, String manifest, String processInstanceId,
                             EvidencePaths paths) {
        DrillRecord running = new DrillRecord(runId, startedAt, null, DrillStatus.RUNNING, manifest, null, null,
                null, null, null, null, Map.of(), List.of(), processInstanceId);
        write(paths.report(), report(running, paths));
        page(paths, report(running, paths), List.of());
        try {
            // an earlier drill's attestation must not stand beside this drill's running report
            Files.deleteIfExists(paths.evidenceDir().resolve(DrillAttestation.FILE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the earlier attestation in " + paths.evidenceDir(), e);
        }
    }

    public void write(DrillRecord record, EvidencePaths paths) {
        try {
            AtomicFiles.write(paths.events(), out -> {
                for (DrillEvent event : record.events()) {
                    NDJSON.writeValue(out, event.toJson());
                    out.write('\n');
                }
            });
            removeStaleRestoreLogs(record, paths);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write evidence " + paths.events() + ": " + e.getMessage(), e);
        }
        write(paths.metrics(), metrics(record));
        Map<String, Object> report = report(record, paths);
        write(paths.report(), report);
        page(paths, report, record.events());
        attest(paths.report(), paths.evidenceDir());
    }

    /** {@code report.html}, from the same report and events as the JSON files. */
    private static void page(EvidencePaths paths, Map<String, Object> report, List<DrillEvent> events) {
        ReportPage.write(paths.reportPage(), ReportPage.render(JSON.valueToTree(report),
                events.stream().map(e -> (com.fasterxml.jackson.databind.JsonNode) JSON.valueToTree(e.toJson())).toList()));
    }

    private static void write(Path file, Map<String, Object> json) {
        try {
            AtomicFiles.write(file, out -> {
                JSON.writeValue(out, json);
                out.write("\n".getBytes(StandardCharsets.UTF_8));
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write evidence " + file + ": " + e.getMessage(), e);
        }
    }

    static Map<String, Object> report(DrillRecord record, EvidencePaths paths) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("schema", SCHEMA);
        json.put("run_id", record.runId());
        json.put("status", record.status().json());
        json.put("started_at", text(record.startedAt()));
        json.put("ended_at", text(record.endedAt()));
        json.put("backup_captured_at", text(record.backupCapturedAt()));
        json.put("manifest", record.manifest());
        json.put("manifest_sha256", record.manifestSha256() == null ? null : "sha256:" + record.manifestSha256());
        json.put("metrics", metricsOf(record));
        json.put("notes", record.notes());
        json.put("failed_stage", record.failedStage());
        json.put("error", error(record.error()));
        json.put("process_instance_id", record.processInstanceId());
        Map<String, Object> files = new LinkedHashMap<>();
        files.put("events", paths.events().toString());
        files.put("metrics", paths.metrics().toString());
        files.put("report_page", paths.reportPage().toString());
        json.put("evidence", files);
        return json;
    }

    private static Map<String, Object> error(DrillRecord.Error error) {
        if (error == null) {
            return null;
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("type", error.type());
        json.put("message", error.message());
        return json;
    }

    private static Map<String, Object> metrics(DrillRecord record) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("run_id", record.runId());
        json.put("backup_captured_at", text(record.backupCapturedAt()));
        json.put("metrics", metricsOf(record));
        json.put("status", record.status().json());
        return json;
    }

    private static Map<String, Object> metricsOf(DrillRecord record) {
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("rto_seconds", record.rtoSeconds());
        metrics.put("rpo_minutes", record.rpoMinutes());
        return metrics;
    }

    /** Recall logs from an earlier drill must not sit beside a report that did not produce them. */
    private static void removeStaleRestoreLogs(DrillRecord record, EvidencePaths paths) throws IOException {
        Path logDir = paths.evidenceDir().resolve(RestoreRunner.LOG_DIR);
        if (!record.notes().containsKey(RestoreRunner.STDOUT_FACT)) {
            Files.deleteIfExists(logDir.resolve(RestoreRunner.STDOUT_LOG));
        }
        if (!record.notes().containsKey(RestoreRunner.STDERR_FACT)) {
            Files.deleteIfExists(logDir.resolve(RestoreRunner.STDERR_LOG));
        }
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
