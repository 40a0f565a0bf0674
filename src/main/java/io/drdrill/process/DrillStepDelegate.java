package io.drdrill.process;

import io.drdrill.drill.DrDrillError;
import io.drdrill.drill.Drill;
import io.drdrill.drill.DrillContext;
import io.drdrill.drill.StepName;
import io.drdrill.drill.StepOutcome;
import io.drdrill.evidence.DrillEvent;
import io.drdrill.manifest.Manifest;
import io.drdrill.policy.PolicyViolation;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static io.drdrill.process.DrDrillProcess.Variables.ERROR_MESSAGE;
import static io.drdrill.process.DrDrillProcess.Variables.ERROR_TYPE;
import static io.drdrill.process.DrDrillProcess.Variables.FAILED_STAGE;
import static io.drdrill.process.DrDrillProcess.Variables.MANIFEST_PATH;
import static io.drdrill.process.DrDrillProcess.Variables.MANIFEST_SHA256;
import static io.drdrill.process.DrDrillProcess.Variables.RPO_MINUTES;
import static io.drdrill.process.DrDrillProcess.Variables.RTO_SECONDS;

/**
 * Runs the drill step of the current service task: reads variables, calls the core, records the step's event
 * and facts, and turns {@link DrDrillError} and {@link PolicyViolation} into BPMN errors. Any other exception
 * is a {@code DrDrillError} that names its type: a step never passes by accident.
 */
@Component("drillStepDelegate")
public class DrillStepDelegate implements JavaDelegate {

    private final Drill drill;

    public DrillStepDelegate(Drill drill) {
        this.drill = drill;
    }

    @Override
    public void execute(DelegateExecution execution) {
        StepName step = DrDrillProcess.Elements.stepOf(execution.getCurrentActivityId()).orElseThrow(
                () -> new IllegalStateException(execution.getCurrentActivityId() + " is not a drill step"));
        Instant started = Instant.now();
        try {
            StepOutcome outcome = drill.run(step, context(execution));
            record(execution, StepRecord.of(step, started, DrillEvent.Status.SUCCESS, outcome.notes(), outcome.facts()));
            publishMetrics(execution, outcome.facts());
        } catch (PolicyViolation violation) {
            execution.setVariable(RPO_MINUTES, violation.rpoMinutes());
            execution.setVariable(RTO_SECONDS, violation.rtoSeconds());
            throw fail(execution, step, started, DrDrillProcess.Errors.POLICY_VIOLATION, violation.getMessage(),
                    Map.of());
        } catch (DrDrillError error) {
            throw fail(execution, step, started, DrDrillProcess.Errors.DR_DRILL_ERROR, error.getMessage(),
                    error.facts());
        } catch (RuntimeException technical) {
            throw fail(execution, step, started, DrDrillProcess.Errors.DR_DRILL_ERROR,
                    "technical failure: " + technical.getClass().getName() + ": " + technical.getMessage(), Map.of());
        }
    }

    private DrillContext context(DelegateExecution execution) {
        Path manifestPath = Path.of(DrillVariables.text(execution, MANIFEST_PATH).orElseThrow(
                () -> new DrDrillError("the manifest was not loaded")));
        Manifest manifest = drill.reloadManifest(manifestPath,
                DrillVariables.text(execution, MANIFEST_SHA256).orElseThrow());
        return new DrillContext(manifest, DrillVariables.now(execution), DrillVariables.evidenceDir(execution),
                DrillVariables.number(execution, RTO_SECONDS),
                DrillVariables.text(execution, DrDrillProcess.Variables.RESTORED_FILE_KEY));
    }

    private static void publishMetrics(DelegateExecution execution, Map<String, Object> facts) {
        if (facts.get("rto_seconds") instanceof Number rto) {
            execution.setVariable(RTO_SECONDS, rto.doubleValue());
        }
        if (facts.get("rpo_minutes") instanceof Number rpo) {
            execution.setVariable(RPO_MINUTES, rpo.doubleValue());
        }
        if (facts.get(Drill.RESTORED_FILE_KEY) instanceof String key) {
            execution.setVariable(DrDrillProcess.Variables.RESTORED_FILE_KEY, key);
        }
    }

    private static BpmnError fail(DelegateExecution execution, StepName step, Instant started, String errorCode,
                                  String message, Map<String, Object> facts) {
        String stored = Texts.limit(message);
        record(execution, StepRecord.of(step, started, DrillEvent.Status.FAILURE, stored, facts));
        execution.setVariable(FAILED_STAGE, step.id());
        execution.setVariable(ERROR_TYPE, errorCode);
        execution.setVariable(ERROR_MESSAGE, stored);
        return new BpmnError(errorCode, stored);
    }

    private static void record(DelegateExecution execution, StepRecord record) {
        execution.setVariable(DrDrillProcess.Variables.stepRecord(StepName.byId(record.step()).orElseThrow()),
                record.toJson());
    }
}
