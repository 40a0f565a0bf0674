package io.drdrill.release;

import io.drdrill.process.DrDrillProcess;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import static io.drdrill.release.ReleaseSignoffProcess.Variables.REMINDERS_SENT;

/** "Remind approvers": records the reminder in the history and the log, where alerting picks it up. */
@Component("approvalReminderDelegate")
public class ApprovalReminderDelegate implements JavaDelegate {

    private static final Logger LOG = LoggerFactory.getLogger(ApprovalReminderDelegate.class);

    @Override
    public void execute(DelegateExecution execution) {
        int count = REMINDERS_SENT.from(execution).orElse(0) + 1;
        REMINDERS_SENT.set(execution, count);
        LOG.warn("release {} ({}) still waits for a release approver: reminder {}",
                execution.getProcessInstanceId(), DrDrillProcess.Variables.MANIFEST.from(execution).orElse("?"), count);
    }
}
