package io.drdrill.alerting;

import io.drdrill.alerts.AlertDelivery;
import io.drdrill.alerts.AlertDispatch;
import io.drdrill.alerts.RestoreWaiting;
import io.drdrill.manifest.RestoreSite;
import io.drdrill.process.DrDrillProcess;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.externaltask.ExternalTask;
import org.camunda.bpm.engine.impl.util.ClockUtil;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

import static io.drdrill.process.DrDrillProcess.Variables.MANIFEST;
import static io.drdrill.process.DrDrillProcess.Variables.MANIFEST_PATH;
import static io.drdrill.process.DrDrillProcess.Variables.REPORT_PATH;
import static io.drdrill.process.DrDrillProcess.Variables.RESTORE_SITE;
import static io.drdrill.process.DrDrillProcess.Variables.RESTORE_WAIT_ALERT_DELIVERY;
import static io.drdrill.process.DrDrillProcess.Variables.RUN_ID;

/**
 * "Alert: restore waiting for a worker" ({@code Task_AlertRestoreWaiting}), after the wait timer on "Restore at the
 * recovery site" fired: when the restore is still there and no worker holds it, every alert channel is told that
 * the drill waits for a worker of its site. A restore a worker is carrying out (its lock still runs) is not
 * waiting, and says nothing. As for a verdict's alert, what each channel took is kept in its own transaction
 * before a failing attempt ends, so a retry resends only what failed.
 */
public class RestoreWaitingAlertDelegate extends ChannelAlertDelegate {

    public RestoreWaitingAlertDelegate(AlertDispatch dispatch, EvidenceLinks evidence) {
        super(dispatch, evidence);
    }

    @Override
    void alert(DelegateExecution execution) {
        ExternalTask task = execution.getProcessEngineServices().getExternalTaskService().createExternalTaskQuery()
                .processInstanceId(execution.getProcessInstanceId())
                .activityId(DrDrillProcess.Elements.TASK_RESTORE_AT_SITE).singleResult();
        if (task == null || task.getLockExpirationTime() != null
                && task.getLockExpirationTime().after(ClockUtil.getCurrentTime())) {
            return; // the restore ended, or a worker is carrying it out
        }
        RestoreWaiting waiting = new RestoreWaiting(
                MANIFEST_PATH.from(execution).map(Path::toString).or(() -> MANIFEST.from(execution)).orElse("(none)"),
                RESTORE_SITE.from(execution).orElse(RestoreSite.DEFAULT),
                Optional.ofNullable(task.getCreateTime()).map(java.util.Date::toInstant).map(Instant::toString)
                        .orElse("unknown"),
                RUN_ID.from(execution).orElse("(none)"), execution.getProcessInstanceId(),
                evidence.of(REPORT_PATH.from(execution)).orElse(null));
        AlertDelivery recorded = RESTORE_WAIT_ALERT_DELIVERY.from(execution).orElseGet(() -> AlertDelivery.of(waiting));
        deliver(execution, waiting, recorded, RESTORE_WAIT_ALERT_DELIVERY, "restore-waiting alert");
    }
}
