package io.drdrill.alerting;

import io.drdrill.alerts.Alert;
import io.drdrill.alerts.AlertDelivery;
import io.drdrill.alerts.AlertDispatch;
import io.drdrill.alerts.DrillOutcome;
import io.drdrill.evidence.DrillStatus;
import io.drdrill.process.DrDrillProcess;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.history.HistoricVariableInstance;

import java.nio.file.Path;
import java.util.Optional;

import static io.drdrill.process.DrDrillProcess.Variables.ALERT_DELIVERY;
import static io.drdrill.process.DrDrillProcess.Variables.DRILL_STATUS;
import static io.drdrill.process.DrDrillProcess.Variables.ERROR_MESSAGE;
import static io.drdrill.process.DrDrillProcess.Variables.FAILED_STAGE;
import static io.drdrill.process.DrDrillProcess.Variables.MANIFEST;
import static io.drdrill.process.DrDrillProcess.Variables.MANIFEST_PATH;
import static io.drdrill.process.DrDrillProcess.Variables.MAX_RPO_MINUTES;
import static io.drdrill.process.DrDrillProcess.Variables.MAX_RTO_SECONDS;
import static io.drdrill.process.DrDrillProcess.Variables.REPORT_PATH;
import static io.drdrill.process.DrDrillProcess.Variables.RPO_MINUTES;
import static io.drdrill.process.DrDrillProcess.Variables.RTO_SECONDS;
import static io.drdrill.process.DrDrillProcess.Variables.RUN_ID;

/**
 * "Send alert": after a drill recorded its verdict, sends the alert it calls for (a failure, or a pass after a
 * drill of the same manifest that did not pass) to every configured channel that has not taken it yet. When a
 * channel fails, what was delivered is recorded in its own transaction before the job fails, so the engine's
 * retry resends only to the channels that failed; when the retries run out the job is an incident. The verdict
 * and the evidence were written before this task and are never changed by it.
 */
public class SendAlertDelegate extends ChannelAlertDelegate {

    /** How many earlier drills of the manifest are looked at to find the last one with a verdict. */
    private static final int PREVIOUS_DRILLS_SCANNED = 50;

    public SendAlertDelegate(AlertDispatch dispatch, EvidenceLinks evidence) {
        super(dispatch, evidence);
    }

    @Override
    void alert(DelegateExecution execution) {
        DrillStatus status = DRILL_STATUS.from(execution).map(DrillStatus::fromJson).orElseThrow(
                () -> new IllegalStateException("no verdict recorded in this process instance: nothing to alert"));
        DrillOutcome outcome = outcome(execution, status);
        Optional<AlertDelivery> recorded = ALERT_DELIVERY.from(execution);
        Optional<Alert> alert = recorded.isPresent()
                ? Optional.of(new Alert(Alert.Kind.fromJson(recorded.get().alert()), outcome,
                Optional.ofNullable(recorded.get().previousStatus()).map(DrillStatus::fromJson)))
                : Alert.decide(outcome, previousStatus(execution));
        if (alert.isEmpty()) {
            return;
        }
        deliver(execution, alert.get(), recorded.orElseGet(() -> AlertDelivery.of(alert.get())), ALERT_DELIVERY, "alert");
    }

    private DrillOutcome outcome(DelegateExecution execution, DrillStatus status) {
        return new DrillOutcome(
                MANIFEST_PATH.from(execution).map(Path::toString).or(() -> MANIFEST.from(execution)).orElse("(none)"),
                status, FAILED_STAGE.from(execution), ERROR_MESSAGE.from(execution),
                RTO_SECONDS.from(execution), MAX_RTO_SECONDS.from(execution),
                RPO_MINUTES.from(execution), MAX_RPO_MINUTES.from(execution),
                RUN_ID.from(execution).orElse("(none)"), execution.getProcessInstanceId(),
                evidence.of(REPORT_PATH.from(execution)));
    }

    /**
     * The verdict of the manifest's previous drill, from the engine's history: the latest drill of the same
     * manifest started before this one that recorded a verdict (ended, or failed and waiting for its review).
     */
    static Optional<DrillStatus> previousStatus(DelegateExecution execution) {
        Optional<String> manifest = MANIFEST.from(execution);
        if (manifest.isEmpty()) {
            return Optional.empty();
        }
        HistoryService history = execution.getProcessEngineServices().getHistoryService();
        HistoricProcessInstance self = history.createHistoricProcessInstanceQuery()
                .processInstanceId(execution.getProcessInstanceId()).singleResult();
        for (HistoricProcessInstance earlier : history.createHistoricProcessInstanceQuery()
                .processDefinitionKey(DrDrillProcess.PROCESS_KEY)
                .variableValueEquals(MANIFEST.name(), manifest.get())
                .startedBefore(self.getStartTime())
                .orderByProcessInstanceStartTime().desc().listPage(0, PREVIOUS_DRILLS_SCANNED)) {
            if (earlier.getId().equals(self.getId())) {
                continue;
            }
            HistoricVariableInstance verdict = history.createHistoricVariableInstanceQuery()
                    .processInstanceId(earlier.getId()).variableName(DRILL_STATUS.name()).singleResult();
            if (verdict != null && verdict.getValue() != null) {
                return Optional.of(DrillStatus.fromJson(verdict.getValue().toString()));
            }
        }
        return Optional.empty();
    }
}
