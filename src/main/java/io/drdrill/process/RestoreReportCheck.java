package io.drdrill.process;

import io.drdrill.drill.DrillSteps;
import io.drdrill.evidence.DrillEvent;
import io.drdrill.manifest.Manifest;
import io.drdrill.step.StepName;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.springframework.stereotype.Component;

import java.util.Objects;

import static io.drdrill.process.DrDrillProcess.Variables.MANIFEST_PATH;
import static io.drdrill.process.DrDrillProcess.Variables.MANIFEST_SHA256;
import static io.drdrill.process.DrDrillProcess.Variables.RTO_SECONDS;
import static io.drdrill.process.DrDrillProcess.Variables.RUN_ID;
import static io.drdrill.process.DrDrillProcess.Variables.stepRecord;

/**
 * On completion of "Restore at the recovery site": a worker's report of a restore is taken only if it is the
 * report of this drill's restore. The server cannot see the worker's disk, so it checks what it can: both steps'
 * records are there, passed, and carry this drill's run id; the restored copy's digest is the backup's digest of
 * the manifest the server loaded; the RTO is a number and is the one the restore recorded. A report that fails
 * this is refused (the completion fails, the worker's retries end in an incident): never a pass.
 */
@Component(DrDrillProcess.Delegates.RESTORE_REPORT_CHECK)
public class RestoreReportCheck implements ExecutionListener {

    /** The fact of {@code validate_restored_backup} naming the restored copy's digest. */
    public static final String RESTORED_SHA256_FACT = "restored_sha256";

    private final DrillSteps steps;

    public RestoreReportCheck(DrillSteps steps) {
        this.steps = steps;
    }

    @Override
    public void notify(DelegateExecution execution) {
        if (execution.isCanceled()) {
            return; // a BPMN error left the task: the failure path records it
        }
        String runId = RUN_ID.require(execution);
        for (StepName step : SiteRestore.STEPS) {
            StepRecord record = stepRecord(step).from(execution)
                    .orElseThrow(() -> refused("no record of step " + step));
            if (record.status() != DrillEvent.Status.SUCCESS || !step.id().equals(record.event().step())
                    || !runId.equals(record.event().runId())) {
                throw refused("the record of step " + step + " is not a pass of this drill (run " + runId + ")");
            }
        }
        Manifest manifest = steps.reloadManifest(MANIFEST_PATH.require(execution), MANIFEST_SHA256.require(execution));
        Object restored = stepRecord(StepName.VALIDATE_RESTORED_BACKUP).require(execution).facts()
                .get(RESTORED_SHA256_FACT);
        if (!("sha256:" + manifest.backup().sha256()).equals(restored)) {
            throw refused("the restored copy's digest " + restored + " is not the backup's sha256:"
                    + manifest.backup().sha256());
        }
        double rto = RTO_SECONDS.from(execution).orElseThrow(() -> refused("no RTO was reported"));
        Object recorded = stepRecord(StepName.RESTORE_ARTIFACT).require(execution).facts().get("rto_seconds");
        if (!(rto >= 0) || Double.isInfinite(rto) || !(recorded instanceof Number n)
                || !Objects.equals(n.doubleValue(), rto)) {
            throw refused("the reported RTO " + rto + " is not the one the restore recorded (" + recorded + ")");
        }
    }

    private static IllegalStateException refused(String why) {
        return new IllegalStateException("refusing the restore worker's report: " + why);
    }
}
