package io.drdrill.process;

import io.drdrill.evidence.DrillEvent;
import io.drdrill.evidence.DrillRecord;
import io.drdrill.evidence.DrillStatus;
import io.drdrill.evidence.EvidencePaths;
import io.drdrill.evidence.EvidenceWriter;
import io.drdrill.step.StepName;
import io.drdrill.step.Words;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.drdrill.process.DrDrillProcess.Elements.EVENT_DRILL_INVALID_RECORDED;
import static io.drdrill.process.DrDrillProcess.Elements.EVENT_DRILL_PASS_RECORDED;
import static io.drdrill.process.DrDrillProcess.Elements.EVENT_DRILL_FAILURE_RECORDED;
import static io.drdrill.process.DrDrillProcess.Elements.EVENT_POLICY_VIOLATION_RECORDED;
import static io.drdrill.process.DrDrillProcess.Variables.BACKUP_CAPTURED_AT;
import static io.drdrill.process.DrDrillProcess.Variables.DRILL_STATUS;
import static io.drdrill.process.DrDrillProcess.Variables.ERROR_MESSAGE;
import static io.drdrill.process.DrDrillProcess.Variables.ERROR_TYPE;
import static io.drdrill.process.DrDrillProcess.Variables.FAILED_STAGE;
import static io.drdrill.process.DrDrillProcess.Variables.FAILED_STEP;
import static io.drdrill.process.DrDrillProcess.Variables.RPO_TEXT;
import static io.drdrill.process.DrDrillProcess.Variables.RTO_TEXT;
import static io.drdrill.process.DrDrillProcess.Variables.MANIFEST;
import static io.drdrill.process.DrDrillProcess.Variables.MANIFEST_PATH;
import static io.drdrill.process.DrDrillProcess.Variables.MANIFEST_SHA256;
import static io.drdrill.process.DrDrillProcess.Variables.MAX_RPO_MINUTES;
import static io.drdrill.process.DrDrillProcess.Variables.MAX_RTO_SECONDS;
import static io.drdrill.process.DrDrillProcess.Variables.RPO_MINUTES;
import static io.drdrill.process.DrDrillProcess.Variables.RTO_SECONDS;
import static io.drdrill.process.DrDrillProcess.Variables.RUN_ID;
import static io.drdrill.process.DrDrillProcess.Variables.STARTED_AT;
import static io.drdrill.process.DrDrillProcess.Variables.STARTED_BY;
import static io.drdrill.process.DrDrillProcess.Variables.EVENTS_PATH;
import static io.drdrill.process.DrDrillProcess.Variables.EVIDENCE_DIR;
import static io.drdrill.process.DrDrillProcess.Variables.REPORT_PATH;
import static io.drdrill.process.DrDrillProcess.Variables.stepRecord;

/**
 * Where each path of the drill settles its verdict ("Pass recorded", "Invalid drill recorded", "Failure recorded",
 * "Violation recorded", each before its path's "Send alert"): sets {@code drillStatus} from the element reached and writes the evidence. One listener
 * for all paths, so a failed drill is recorded exactly as carefully as a passed one.
 */
@Component(DrDrillProcess.Delegates.EVIDENCE_LISTENER)
public class EvidenceListener implements ExecutionListener {

    private final EvidenceWriter writer;
    private final EvidenceObserver observer;

    public EvidenceListener(EvidenceWriter writer) {
        this.writer = writer;
        this.observer = EvidenceObserver.NONE;
    }

    @Autowired
    public EvidenceListener(EvidenceWriter writer, ObjectProvider<EvidenceObserver> observers) {
        this.writer = writer;
        this.observer = EvidenceObserver.all(observers);
    }

    @Override
    public void notify(DelegateExecution execution) {
        DrillStatus status = statusOf(execution.getCurrentActivityId());
        if (status == DrillStatus.PASSED) {
            requireEveryStepPassed(execution);
        }
        DRILL_STATUS.set(execution, status.json());
        if (status == DrillStatus.PASSED) {
            FAILED_STAGE.set(execution, null);
            ERROR_MESSAGE.set(execution, null);
        }
        FAILED_STEP.set(execution, status == DrillStatus.PASSED ? null
                : FAILED_STAGE.from(execution).map(Words::step).orElse(null));
        RTO_TEXT.set(execution, Words.durationWithLimit(RTO_SECONDS.from(execution).orElse(null),
                MAX_RTO_SECONDS.from(execution).orElse(null)));
        RPO_TEXT.set(execution, Words.minutesWithLimit(RPO_MINUTES.from(execution).orElse(null),
                MAX_RPO_MINUTES.from(execution).orElse(null)));
        EvidencePaths paths = new EvidencePaths(REPORT_PATH.require(execution), EVENTS_PATH.require(execution),
                EVIDENCE_DIR.require(execution));
        DrillRecord record = record(execution, status);
        writer.write(record, paths);
        observer.written(record.runId(), execution.getProcessInstanceId(), paths);
    }

    /**
     * "Drill passed" is recorded only for a drill that ran every step successfully. Reaching the end event any
     * other way (a start "before" an activity, skipped listeners) fails the job: an incident, never a green report.
     */
    static void requireEveryStepPassed(DelegateExecution execution) {
        for (StepName step : StepName.values()) {
            boolean passed = stepRecord(step).from(execution).map(r -> r.status() == DrillEvent.Status.SUCCESS)
                    .orElse(false);
            if (!passed || RUN_ID.from(execution).isEmpty()) {
                throw new IllegalStateException("refusing to record a passed drill: step " + step
                        + " did not run and pass in this process instance");
            }
        }
    }

    static DrillStatus statusOf(String endEventId) {
        return switch (endEventId) {
            case EVENT_DRILL_PASS_RECORDED -> DrillStatus.PASSED;
            case EVENT_DRILL_FAILURE_RECORDED -> DrillStatus.FAILED;
            case EVENT_POLICY_VIOLATION_RECORDED -> DrillStatus.POLICY_VIOLATION;
            case EVENT_DRILL_INVALID_RECORDED -> DrillStatus.INVALID;
            default -> throw new IllegalStateException("evidence listener on unknown event " + endEventId);
        };
    }

    private static DrillRecord record(DelegateExecution execution, DrillStatus status) {
        String runId = RUN_ID.require(execution);
        List<DrillEvent> events = new ArrayList<>();
        Map<String, Object> notes = new LinkedHashMap<>();
        notes.put("policy", policy(execution));
        STARTED_BY.from(execution).ifPresent(by -> notes.put("started_by", by));
        for (StepName step : StepName.values()) {
            stepRecord(step).from(execution).ifPresent(record -> {
                events.add(record.event());
                events.addAll(DrillEvent.checksOf(record.event(), record.facts()));
                notes.putAll(record.facts());
            });
        }
        notes.put("steps_passed", events.stream()
                .filter(e -> e.check() == null && e.status() == DrillEvent.Status.SUCCESS).count());
        DrillRecord.Error error = status == DrillStatus.PASSED ? null
                : new DrillRecord.Error(ERROR_TYPE.from(execution).orElse(DrDrillProcess.Errors.DR_DRILL_ERROR),
                ERROR_MESSAGE.from(execution).orElse("(no message)"));
        return new DrillRecord(runId, STARTED_AT.from(execution).orElse(null), Instant.now(), status,
                MANIFEST_PATH.from(execution).map(Path::toString).or(() -> MANIFEST.from(execution)).orElse(null),
                MANIFEST_SHA256.from(execution).orElse(null),
                BACKUP_CAPTURED_AT.from(execution).orElse(null),
                RTO_SECONDS.from(execution).orElse(null),
                RPO_MINUTES.from(execution).orElse(null),
                status == DrillStatus.PASSED ? null : FAILED_STAGE.from(execution).orElse(null),
                error, notes, events, execution.getProcessInstanceId());
    }

    private static Map<String, Object> policy(DelegateExecution execution) {
        Map<String, Object> policy = new LinkedHashMap<>();
        policy.put("max_rpo_minutes", MAX_RPO_MINUTES.from(execution).orElse(null));
        policy.put("max_rto_seconds", MAX_RTO_SECONDS.from(execution).orElse(null));
        return policy;
    }
}
