package io.drdrill.release;

import io.drdrill.evidence.SignoffEvidence;
import io.drdrill.process.DrDrillProcess;
import io.drdrill.signoff.SignoffDecision;
import io.drdrill.signoff.SignoffRefused;
import io.drdrill.signoff.SignoffRules;
import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.BadUserRequestException;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.springframework.stereotype.Component;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static io.drdrill.release.ReleaseSignoffProcess.Variables.APPROVER;
import static io.drdrill.release.ReleaseSignoffProcess.Variables.DECIDED_AT;
import static io.drdrill.release.ReleaseSignoffProcess.Variables.DECISION;
import static io.drdrill.release.ReleaseSignoffProcess.Variables.REQUESTER;
import static io.drdrill.release.ReleaseSignoffProcess.Variables.REASON;
import static io.drdrill.release.ReleaseSignoffProcess.Variables.SIGNOFF_EVIDENCE;

/**
 * The engine's side of four-eyes on "Approve release": on assignment and on completion, whatever the client
 * (Tasklist, REST, Java). A refused sign-off rolls the command back; nothing is recorded as approved.
 */
@Component("releaseSignoffListener")
public class ReleaseSignoffListener implements TaskListener {

    private final IdentityService identity;
    private final SignoffEvidence evidence = new SignoffEvidence();

    public ReleaseSignoffListener(IdentityService identity) {
        this.identity = identity;
    }

    @Override
    public void notify(DelegateTask task) {
        String requester = (String) task.getVariable(REQUESTER);
        try {
            if (EVENTNAME_ASSIGNMENT.equals(task.getEventName())) {
                SignoffRules.checkAssignee(task.getAssignee(), requester);
            } else if (EVENTNAME_COMPLETE.equals(task.getEventName())) {
                complete(task, requester);
            }
        } catch (SignoffRefused refused) {
            throw refused.forbidden() ? new AuthorizationException(refused.getMessage())
                    : new BadUserRequestException(refused.getMessage());
        }
    }

    private void complete(DelegateTask task, String requester) {
        Authentication current = identity.getCurrentAuthentication();
        String user = current == null ? null : current.getUserId();
        boolean inGroup = user != null && identity.createGroupQuery().groupMember(user)
                .groupId(SignoffRules.APPROVERS_GROUP).count() > 0;
        SignoffDecision decision = SignoffRules.decide(user, inGroup, requester, task.getVariable(DECISION),
                task.getVariable(REASON), Instant.now());
        task.setVariable(APPROVER, decision.approver());
        task.setVariable(DECIDED_AT, decision.decidedAt().toString());
        task.setVariable(REASON, decision.reason());
        Object report = task.getVariable(DrDrillProcess.Variables.REPORT_PATH);
        if (report != null) {
            Path file = evidence.write(Path.of(report.toString()).getParent(), release(task, requester), decision);
            task.setVariable(SIGNOFF_EVIDENCE, file.toString());
        }
    }

    private static Map<String, Object> release(DelegateTask task, String requester) {
        Map<String, Object> release = new LinkedHashMap<>();
        release.put("release_process_instance_id", task.getProcessInstanceId());
        release.put("task_id", task.getId());
        release.put("requested_by", requester);
        release.put("manifest", task.getVariable(DrDrillProcess.Variables.MANIFEST));
        release.put("drill_run_id", task.getVariable(DrDrillProcess.Variables.RUN_ID));
        release.put("drill_status", task.getVariable(DrDrillProcess.Variables.DRILL_STATUS));
        release.put("rto_seconds", task.getVariable(DrDrillProcess.Variables.RTO_SECONDS));
        release.put("rpo_minutes", task.getVariable(DrDrillProcess.Variables.RPO_MINUTES));
        release.put("report", task.getVariable(DrDrillProcess.Variables.REPORT_PATH));
        return release;
    }
}
