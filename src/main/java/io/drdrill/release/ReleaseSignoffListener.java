package io.drdrill.release;

import io.drdrill.evidence.EvidencePaths;
import io.drdrill.evidence.SignoffEvidence;
import io.drdrill.process.DrDrillProcess;
import io.drdrill.process.EvidenceObserver;
import io.drdrill.signoff.SignoffDecision;
import io.drdrill.signoff.SignoffRefused;
import io.drdrill.signoff.SignoffRules;
import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.BadUserRequestException;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.history.HistoricVariableInstance;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.drdrill.release.ReleaseSignoffProcess.Variables.APPROVER;
import static io.drdrill.release.ReleaseSignoffProcess.Variables.DECIDED_AT;
import static io.drdrill.release.ReleaseSignoffProcess.Variables.DECISION;
import static io.drdrill.release.ReleaseSignoffProcess.Variables.REASON;
import static io.drdrill.release.ReleaseSignoffProcess.Variables.REQUESTER;
import static io.drdrill.release.ReleaseSignoffProcess.Variables.SIGNOFF_EVIDENCE;

/**
 * The engine's side of four-eyes on "Approve release", whatever the client (Tasklist, REST, Java). Nothing it
 * decides on comes from variables a caller could set: the requester is the user the engine recorded as starting
 * the release, and the drill's verdict and evidence are read from the called drill's own history. A refused
 * sign-off rolls the command back; nothing is recorded as approved.
 */
@Component("releaseSignoffListener")
public class ReleaseSignoffListener implements TaskListener {

    private final IdentityService identity;
    private final HistoryService history;
    private final SignoffEvidence evidence = new SignoffEvidence();

    private final io.drdrill.evidence.EvidenceWriter writer;

    private final EvidenceObserver observer;

    public ReleaseSignoffListener(IdentityService identity, HistoryService history,
                                  io.drdrill.evidence.EvidenceWriter writer, ObjectProvider<EvidenceObserver> observers) {
        this.identity = identity;
        this.history = history;
        this.writer = writer;
        this.observer = EvidenceObserver.all(observers);
    }

    @Override
    public void notify(DelegateTask task) {
        String requester = requester(task);
        try {
            switch (task.getEventName()) {
                case EVENTNAME_CREATE -> {
                    REQUESTER.set(task, requester);
                    // "Approve release shop 2.4.1"; the diagram keeps the element's own name
                    ReleaseSignoffProcess.Variables.RELEASE_TITLE.from(task)
                            .ifPresent(title -> task.setName(task.getName() + " " + title));
                }
                case EVENTNAME_ASSIGNMENT -> SignoffRules.checkAssignee(task.getAssignee(), requester);
                case EVENTNAME_COMPLETE -> complete(task, requester);
                default -> { }
            }
        } catch (SignoffRefused refused) {
            throw refused.forbidden() ? new AuthorizationException(refused.getMessage())
                    : new BadUserRequestException(refused.getMessage());
        }
    }

    private String requester(DelegateTask task) {
        HistoricProcessInstance release = history.createHistoricProcessInstanceQuery()
                .processInstanceId(task.getProcessInstanceId()).singleResult();
        return release == null ? null : release.getStartUserId();
    }

    private void complete(DelegateTask task, String requester) {
        Authentication current = identity.getCurrentAuthentication();
        String user = current == null ? null : current.getUserId();
        boolean inGroup = user != null && identity.createGroupQuery().groupMember(user)
                .groupId(SignoffRules.APPROVERS_GROUP).count() > 0;
        SignoffDecision decision = SignoffRules.decide(user, inGroup, requester, DECISION.from(task).orElse(null),
                REASON.from(task).orElse(null), Instant.now());
        Map<String, Object> drill = passedDrill(task.getProcessInstanceId());
        APPROVER.set(task, decision.approver());
        DECIDED_AT.set(task, decision.decidedAt());
        REASON.set(task, decision.reason());
        Path report = DrDrillProcess.Variables.REPORT_PATH.from(drill).orElseThrow();
        Path file = evidence.write(report.getParent(), release(task, requester, drill), decision);
        writer.attest(report, report.getParent());
        observer.written(DrDrillProcess.Variables.RUN_ID.from(drill).orElse(null), (String) drill.get("processInstanceId"),
                new EvidencePaths(report, DrDrillProcess.Variables.EVENTS_PATH.from(drill)
                        .orElse(report.resolveSibling(EvidencePaths.EVENTS_FILE)),
                        DrDrillProcess.Variables.EVIDENCE_DIR.from(drill).orElse(report.getParent())));
        SIGNOFF_EVIDENCE.set(task, file);
    }

    /** The drill this release called, as its own history records it; it must have ended in "Drill passed". */
    private Map<String, Object> passedDrill(String releaseId) {
        List<HistoricProcessInstance> drills = history.createHistoricProcessInstanceQuery()
                .superProcessInstanceId(releaseId).processDefinitionKey(DrDrillProcess.PROCESS_KEY).finished()
                .orderByProcessInstanceEndTime().desc().list();
        HistoricProcessInstance drill = drills.isEmpty() ? null : drills.get(0);
        if (drill == null || !DrDrillProcess.Elements.END_DRILL_PASSED.equals(drill.getEndActivityId())) {
            throw new AuthorizationException("this release has no passed restore drill to approve");
        }
        Map<String, Object> values = new HashMap<>();
        for (HistoricVariableInstance variable : history.createHistoricVariableInstanceQuery()
                .processInstanceId(drill.getId()).list()) {
            values.put(variable.getName(), variable.getValue());
        }
        values.put("processInstanceId", drill.getId());
        if (DrDrillProcess.Variables.REPORT_PATH.from(values).isEmpty()) {
            throw new AuthorizationException("the release's drill recorded no evidence");
        }
        return values;
    }

    private static Map<String, Object> release(DelegateTask task, String requester, Map<String, Object> drill) {
        Map<String, Object> release = new LinkedHashMap<>();
        release.put("release_process_instance_id", task.getProcessInstanceId());
        release.put("release_name", ReleaseSignoffProcess.Variables.RELEASE_NAME.from(task).orElse(null));
        release.put("release_version", ReleaseSignoffProcess.Variables.RELEASE_VERSION.from(task).orElse(null));
        release.put("task_id", task.getId());
        release.put("requested_by", requester);
        release.put("drill_process_instance_id", drill.get("processInstanceId"));
        release.put("manifest", DrDrillProcess.Variables.MANIFEST_PATH.from(drill).map(Path::toString).orElse(null));
        release.put("drill_run_id", DrDrillProcess.Variables.RUN_ID.from(drill).orElse(null));
        release.put("drill_status", DrDrillProcess.Variables.DRILL_STATUS.from(drill).orElse(null));
        release.put("rto_seconds", DrDrillProcess.Variables.RTO_SECONDS.from(drill).orElse(null));
        release.put("rpo_minutes", DrDrillProcess.Variables.RPO_MINUTES.from(drill).orElse(null));
        release.put("report", DrDrillProcess.Variables.REPORT_PATH.from(drill).map(Path::toString).orElse(null));
        return release;
    }
}
