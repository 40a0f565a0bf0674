package io.drdrill.process;

import io.drdrill.evidence.EvidencePaths;
import io.drdrill.evidence.EvidenceWriter;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.springframework.stereotype.Component;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

import static io.drdrill.process.DrDrillProcess.Variables.EVENTS_PATH;
import static io.drdrill.process.DrDrillProcess.Variables.EVIDENCE_DIR;
import static io.drdrill.process.DrDrillProcess.Variables.MANIFEST;
import static io.drdrill.process.DrDrillProcess.Variables.REPORT_PATH;
import static io.drdrill.process.DrDrillProcess.Variables.RUN_ID;
import static io.drdrill.process.DrDrillProcess.Variables.STARTED_AT;

/**
 * On process start: gives the drill its run id, fixes where its evidence goes, and replaces any older report
 * there with a {@code running} one.
 */
@Component("drillStartListener")
public class DrillStartListener implements ExecutionListener {

    private static final DateTimeFormatter RUN_ID_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final DrillSettings settings;
    private final EvidenceWriter writer;

    public DrillStartListener(DrillSettings settings, EvidenceWriter writer) {
        this.settings = settings;
        this.writer = writer;
    }

    @Override
    public void notify(DelegateExecution execution) {
        Instant started = Instant.now();
        String runId = newRunId(started);
        EvidencePaths paths = paths(execution, runId);
        execution.setVariable(RUN_ID, runId);
        execution.setVariable(STARTED_AT, started.toString());
        execution.setVariable(REPORT_PATH, paths.report().toString());
        execution.setVariable(EVENTS_PATH, paths.events().toString());
        execution.setVariable(EVIDENCE_DIR, paths.evidenceDir().toString());
        writer.writeRunning(runId, started, DrillVariables.text(execution, MANIFEST).orElse(null),
                execution.getProcessInstanceId(), paths);
    }

    /** Unique even for drills started in the same second: time for humans, randomness for uniqueness. */
    static String newRunId(Instant started) {
        return "drill-" + RUN_ID_TIME.format(started) + "-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    private EvidencePaths paths(DelegateExecution execution, String runId) {
        Path report = DrillVariables.reportPath(execution)
                .orElseGet(() -> settings.evidenceDir().resolve(runId).resolve(EvidencePaths.REPORT_FILE));
        Path events = DrillVariables.eventsPath(execution)
                .orElseGet(() -> report.resolveSibling(EvidencePaths.EVENTS_FILE));
        Path evidenceDir = DrillVariables.text(execution, EVIDENCE_DIR).map(Path::of)
                .orElseGet(() -> report.toAbsolutePath().getParent());
        return new EvidencePaths(report, events, evidenceDir);
    }
}
