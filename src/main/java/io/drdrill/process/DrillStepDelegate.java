package io.drdrill.process;

import io.drdrill.drill.DrillContext;
import io.drdrill.drill.DrillSteps;
import io.drdrill.evidence.DrillEvent;
import io.drdrill.manifest.Manifest;
import io.drdrill.policy.PolicyViolation;
import io.drdrill.step.DrDrillError;
import io.drdrill.step.Progress;
import io.drdrill.step.StepName;
import io.drdrill.step.StepResult;
import io.drdrill.step.Text;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Map;

import static io.drdrill.process.DrDrillProcess.Variables.BACKUP_READING;
import static io.drdrill.process.DrDrillProcess.Variables.ERROR_MESSAGE;
import static io.drdrill.process.DrDrillProcess.Variables.ERROR_TYPE;
import static io.drdrill.process.DrDrillProcess.Variables.EVIDENCE_DIR;
import static io.drdrill.process.DrDrillProcess.Variables.FAILED_STAGE;
import static io.drdrill.process.DrDrillProcess.Variables.MANIFEST_PATH;
import static io.drdrill.process.DrDrillProcess.Variables.MANIFEST_SHA256;
import static io.drdrill.process.DrDrillProcess.Variables.RESTORED_FILE_KEY;
import static io.drdrill.process.DrDrillProcess.Variables.RPO_MINUTES;
import static io.drdrill.process.DrDrillProcess.Variables.RTO_SECONDS;
import static io.drdrill.process.DrDrillProcess.Variables.RUN_ID;

/**
 * Runs one drill step — the one it was made for, named by the bean the model's service task calls
 * ({@link DrillStepDelegates}) — reads variables, calls the core, records the step's event and facts, and turns
 * {@link DrDrillError} and {@link PolicyViolation} into BPMN errors. Any other exception is a {@code DrDrillError}
 * that names its type: a step never passes by accident.
 */
public class DrillStepDelegate implements JavaDelegate {

    private static final Logger LOG = LoggerFactory.getLogger(DrillStepDelegate.class);

    private final DrillSteps steps;
    private final StepName step;
    private final DrillProgress progress;

    public DrillStepDelegate(DrillSteps steps, StepName step, DrillProgress progress) {
        this.steps = steps;
        this.step = step;
        this.progress = progress;
    }

    public StepName step() {
        return step;
    }

    @Override
    public void execute(DelegateExecution execution) {
        Instant started = Instant.now();
        Progress shown = progress.current();
        shown.stepStarted(step);
        try {
            StepResult result = steps.run(step, context(execution, shown));
            record(execution, started, DrillEvent.Status.SUCCESS, result.notes(), result.facts());
            LOG.info("drill step {} passed", step.id());
            publish(execution, result.measures());
            shown.stepEnded(step, "passed");
        } catch (PolicyViolation violation) {
            RPO_MINUTES.set(execution, violation.rpoMinutes());
            RTO_SECONDS.set(execution, violation.rtoSeconds());
            shown.stepEnded(step, "policy violation");
            throw fail(execution, started, DrDrillProcess.Errors.POLICY_VIOLATION, violation.getMessage(), Map.of());
        } catch (DrDrillError error) {
            shown.stepEnded(step, "failed");
            throw fail(execution, started, DrDrillProcess.Errors.DR_DRILL_ERROR, error.getMessage(), error.facts());
        } catch (RuntimeException technical) {
            shown.stepEnded(step, "failed");
            throw fail(execution, started, DrDrillProcess.Errors.DR_DRILL_ERROR,
                    "technical failure: " + technical.getClass().getName() + ": " + technical.getMessage(), Map.of());
        }
    }

    private DrillContext context(DelegateExecution execution, Progress shown) {
        Manifest manifest = steps.reloadManifest(
                MANIFEST_PATH.from(execution).orElseThrow(() -> new DrDrillError("the manifest was not loaded")),
                MANIFEST_SHA256.require(execution));
        return new DrillContext(manifest, DrillNow.of(execution), EVIDENCE_DIR.require(execution),
                RTO_SECONDS.from(execution), RESTORED_FILE_KEY.from(execution), shown, BACKUP_READING.from(execution));
    }

    private static void publish(DelegateExecution execution, StepResult.Measures measures) {
        measures.rtoSeconds().ifPresent(rto -> RTO_SECONDS.set(execution, rto));
        measures.rpoMinutes().ifPresent(rpo -> RPO_MINUTES.set(execution, rpo));
        measures.restoredFileKey().ifPresent(key -> RESTORED_FILE_KEY.set(execution, key));
        measures.backupReading().ifPresent(reading -> BACKUP_READING.set(execution, reading));
    }

    private BpmnError fail(DelegateExecution execution, Instant started, String errorCode, String message,
                           Map<String, Object> facts) {
        record(execution, started, DrillEvent.Status.FAILURE, message, facts);
        LOG.info("drill step {} failed ({}): {}", step.id(), errorCode, Text.shorten(message, 500));
        String stored = Text.shorten(message, Text.MAX_VARIABLE_CHARS);
        FAILED_STAGE.set(execution, step.id());
        ERROR_TYPE.set(execution, errorCode);
        ERROR_MESSAGE.set(execution, stored);
        return new BpmnError(errorCode, stored);
    }

    private void record(DelegateExecution execution, Instant started, DrillEvent.Status status, String notes,
                        Map<String, Object> facts) {
        DrDrillProcess.Variables.stepRecord(step).set(execution,
                StepRecord.of(step, RUN_ID.from(execution).orElse(null), started, status, notes, facts));
    }
}
