package io.drdrill.evidence;

import io.drdrill.restore.RestoreRunner;

import java.nio.file.Path;
import java.util.List;

/** Where one drill's evidence goes. {@code drill-metrics.json} and {@code restore/} live in the evidence folder. */
public record EvidencePaths(Path report, Path events, Path evidenceDir) {

    public static final String REPORT_FILE = "dr-report.json";
    public static final String EVENTS_FILE = "dr-events.ndjson";
    public static final String METRICS_FILE = "drill-metrics.json";
    public static final String ENGINE_HISTORY_FILE = "engine-history.ndjson";

    public EvidencePaths {
        report = report.toAbsolutePath().normalize();
        events = events.toAbsolutePath().normalize();
        evidenceDir = evidenceDir.toAbsolutePath().normalize();
    }

    /** All three files in one folder under their standard names. */
    public static EvidencePaths in(Path dir) {
        return new EvidencePaths(dir.resolve(REPORT_FILE), dir.resolve(EVENTS_FILE), dir);
    }

    public Path metrics() {
        return evidenceDir.resolve(METRICS_FILE);
    }

    /** {@code engine-history.ndjson}: the drill's engine history as a hash-chained audit trail. */
    public Path engineHistory() {
        return evidenceDir.resolve(ENGINE_HISTORY_FILE);
    }

    /** {@code report.html}: the report as people read it. */
    public Path reportPage() {
        return evidenceDir.resolve(ReportPage.FILE);
    }

    /** {@code dr-attestation.intoto.json}, when a signing key is configured. */
    public Path attestation() {
        return evidenceDir.resolve(DrillAttestation.FILE);
    }

    /** The recall script's stdout and stderr logs. */
    public List<Path> restoreLogs() {
        Path dir = evidenceDir.resolve(RestoreRunner.LOG_DIR);
        return List.of(dir.resolve(RestoreRunner.STDOUT_LOG), dir.resolve(RestoreRunner.STDERR_LOG));
    }
}
