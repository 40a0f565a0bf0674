package io.drdrill.release;

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
        Object sent = execution.getVariable(REMINDERS_SENT);
        int count = (sent instanceof Number n ? n.intValue() : 0) + 1;
        execution.setVariable(REMINDERS_SENT, count);
        LOG.warn("release {} ({}) still waits for a release approver: reminder {}",
                execution.getProcessInstanceId(), execution.getVariable("manifest"), count);
    }
}
