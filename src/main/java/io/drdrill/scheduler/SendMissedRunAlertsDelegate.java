package io.drdrill.scheduler;

import io.drdrill.alerts.AlertDelivery;
import io.drdrill.alerts.AlertDispatch;
import io.drdrill.alerts.AlertNotDelivered;
import io.drdrill.alerts.MissedRun;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;

import static io.drdrill.scheduler.DrillSchedulerProcess.Variables.MISSED_RUN_DELIVERIES;
import static io.drdrill.scheduler.DrillSchedulerProcess.Variables.SKIPPED_DRILLS;

/**
 * "Alert missed runs" ({@code Task_SendMissedRunAlerts}): a scheduled drill that did not run is announced on
 * every alert channel, like a failed one, from an asynchronous task with its own retries. What each channel took
 * is recorded in its own transaction before a failing attempt ends, so a retry resends only what failed, and a
 * receiver that never answers leaves an incident on the tick, never a lost alert.
 */
@Component(DrillSchedulerProcess.Delegates.SEND_MISSED_ALERTS)
public class SendMissedRunAlertsDelegate implements JavaDelegate {

    private final AlertDispatch dispatch;

    public SendMissedRunAlertsDelegate(AlertDispatch dispatch) {
        this.dispatch = dispatch;
    }

    @Override
    public void execute(DelegateExecution execution) {
        if (!dispatch.hasChannels()) {
            return;
        }
        MissedRunDeliveries deliveries = MISSED_RUN_DELIVERIES.from(execution)
                .orElse(new MissedRunDeliveries(null));
        List<String> failures = new ArrayList<>();
        for (ScheduledRuns.Run run : SKIPPED_DRILLS.from(execution).map(ScheduledRuns::runs).orElse(List.of())) {
            MissedRun missed = new MissedRun(run.manifest(), run.cron(), run.slot(), run.reason(),
                    run.processInstanceId());
            AlertDelivery recorded = deliveries.byManifest().getOrDefault(run.manifest(), AlertDelivery.of(missed));
            AlertDispatch.Result result = dispatch.send(missed, recorded);
            deliveries = deliveries.with(run.manifest(), result.delivery());
            result.failures().forEach(failure -> failures.add(run.manifest() + ": " + failure));
        }
        if (failures.isEmpty()) {
            MISSED_RUN_DELIVERIES.set(execution, deliveries);
            return;
        }
        MISSED_RUN_DELIVERIES.setInOwnTransaction(execution.getProcessInstanceId(), deliveries);
        throw new AlertNotDelivered("missed-run alert not delivered: " + String.join("; ", failures));
    }
}
