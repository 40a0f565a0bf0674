package io.drdrill.release;

import io.drdrill.process.DrDrillProcess;
import io.drdrill.step.DrDrillError;
import io.drdrill.testsupport.DrillEngineTest;
import io.drdrill.testsupport.ProcessTests;
import io.drdrill.testsupport.TestBundle;

import com.fasterxml.jackson.databind.JsonNode;
import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.BadUserRequestException;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.identity.Group;
import org.camunda.bpm.engine.identity.User;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.task.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static io.drdrill.release.ReleaseSignoffProcess.Elements.BOUNDARY_DRILL_NOT_PASSED;
import static io.drdrill.release.ReleaseSignoffProcess.Elements.CALL_RUN_DRILL;
import static io.drdrill.release.ReleaseSignoffProcess.Elements.END_RELEASED;
import static io.drdrill.release.ReleaseSignoffProcess.Elements.END_RELEASE_BLOCKED;
import static io.drdrill.release.ReleaseSignoffProcess.Elements.END_REJECTED;
import static io.drdrill.release.ReleaseSignoffProcess.Elements.TASK_APPROVE_RELEASE;
import static io.drdrill.release.ReleaseSignoffProcess.Elements.TASK_SEND_REMINDER;
import static io.drdrill.release.ReleaseSignoffProcess.Variables.APPROVER;
import static io.drdrill.release.ReleaseSignoffProcess.Variables.DECISION;
import static io.drdrill.release.ReleaseSignoffProcess.Variables.REASON;
import static io.drdrill.release.ReleaseSignoffProcess.Variables.RELEASE_NAME;
import static io.drdrill.release.ReleaseSignoffProcess.Variables.RELEASE_VERSION;
import static io.drdrill.release.ReleaseSignoffProcess.Variables.RELEASE_STATUS;
import static io.drdrill.release.ReleaseSignoffProcess.Variables.REMINDERS_SENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.execute;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.managementService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.runtimeService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.task;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.taskService;

/** Four-eyes release sign-off on a real engine: the engine, not the form, enforces who may decide. */
@DrillEngineTest
@TestPropertySource(properties = "drdrill.evidence-dir=${java.io.tmpdir}/dr-drill-release-test-evidence")
class ReleaseSignoffProcessTest {

    private static final String REQUESTER = "olivia";
    private static final String APPROVER_USER = "adam";
    private static final String BYSTANDER = "bob";

    @Autowired
    ProcessEngine processEngine;

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() {
        IdentityService identity = processEngine.getIdentityService();
        group(identity, "release-approvers");
        group(identity, "dr-operators");
        user(identity, REQUESTER, "dr-operators");
        user(identity, APPROVER_USER, "release-approvers");
        user(identity, BYSTANDER, "dr-operators");
    }

    @AfterEach
    void signOut() {
        processEngine.getIdentityService().clearAuthentication();
    }

    @Test
    void aSecondPersonApprovesAReleaseAfterAPassingDrill() throws IOException {
        // Given a release requested by an operator on a sound bundle, whose drill has passed
        ProcessInstance release = requestRelease(TestBundle.create(dir).write());
        assertThat(release).isWaitingAt(TASK_APPROVE_RELEASE).hasPassed(CALL_RUN_DRILL);
        assertThat(task(release)).hasCandidateGroup("release-approvers").hasDueDate(task(release).getDueDate());
        assertThat(release).variables().containsEntry(DrDrillProcess.Variables.DRILL_STATUS.name(), "passed");

        // When a member of release-approvers approves it
        complete(APPROVER_USER, release, Map.of(DECISION.name(), "approve"));

        // Then the release is released and the decision is in the drill's evidence
        assertThat(release).isEnded().hasPassed(END_RELEASED);
        JsonNode signoff = signoffEvidence(release);
        assertThat(signoff.path("approver").asText()).isEqualTo(APPROVER_USER);
        assertThat(signoff.path("requested_by").asText()).isEqualTo(REQUESTER);
        assertThat(signoff.path("decision").asText()).isEqualTo("approve");
        assertThat(signoff.path("drill_status").asText()).isEqualTo("passed");
        assertThat(signoff.path("decided_at").asText()).isNotBlank();
        assertThat(signoff.path("release_name").asText()).isEqualTo("shop");
        assertThat(signoff.path("release_version").asText()).isEqualTo("2.4.1");
        assertThat(history(release, RELEASE_STATUS.name())).isEqualTo("released");
    }

    @Test
    void theApprovalTaskNamesTheReleaseAndTheDrillReadsInWords() throws IOException {
        // Given a release of "shop 2.4.1" whose drill has passed
        ProcessInstance release = requestRelease(TestBundle.create(dir).write());

        // When the approval task is created
        Task approval = task(release);

        // Then the task and the release name it, and the drill's figures are in words for the form
        assertThat(approval.getName()).isEqualTo("Approve release shop 2.4.1");
        assertThat(processEngine.getHistoryService().createHistoricProcessInstanceQuery()
                .processInstanceId(release.getId()).singleResult().getBusinessKey()).isEqualTo("shop 2.4.1");
        assertThat(release).variables().hasEntrySatisfying(DrDrillProcess.Variables.RTO_TEXT.name(),
                        rto -> assertThat((String) rto).matches("(< 0\\.1|[0-9.]+) s \\(no limit\\)"))
                .containsEntry(DrDrillProcess.Variables.REPORT_URL.name(),
                        "/drills/" + history(release, DrDrillProcess.Variables.RUN_ID.name()) + "/dr-report.json");
    }

    @Test
    void aReleaseWithoutANameOrVersionIsRefusedBeforeAnythingRuns() throws IOException {
        // Given a requester and a sound bundle
        String manifest = ProcessTests.catalogName(TestBundle.create(dir).write().manifestPath());
        long before = runtimeService().createProcessInstanceQuery().count();

        // When a release is requested without a version, or with a name of two lines
        // Then the engine answers with the rule (400 over REST), and no release or drill is started
        assertThatThrownBy(() -> runtimeService().startProcessInstanceByKey(ReleaseSignoffProcess.PROCESS_KEY,
                Map.of(DrDrillProcess.Variables.MANIFEST.name(), manifest, RELEASE_NAME.name(), "shop")))
                .isInstanceOf(BadUserRequestException.class)
                .hasMessage("releaseVersion is required: name the release and its version");
        assertThatThrownBy(() -> runtimeService().startProcessInstanceByKey(ReleaseSignoffProcess.PROCESS_KEY,
                Map.of(DrDrillProcess.Variables.MANIFEST.name(), manifest, RELEASE_NAME.name(), "shop\nfake: approved",
                        RELEASE_VERSION.name(), "1")))
                .isInstanceOf(BadUserRequestException.class).hasMessageContaining("one line");
        assertThat(runtimeService().createProcessInstanceQuery().count()).isEqualTo(before);
    }

    @Test
    void theRequesterCannotApproveOrClaimTheirOwnRelease() throws IOException {
        // Given a release that waits for approval
        ProcessInstance release = requestRelease(TestBundle.create(dir).write());
        Task approval = task(release);

        // When the requester tries to approve it, or to claim it, through the engine API
        // Then the engine refuses both, and the release still waits
        assertThatThrownBy(() -> complete(REQUESTER, release, Map.of(DECISION.name(), "approve")))
                .isInstanceOf(AuthorizationException.class)
                .hasMessage("four-eyes rule: olivia requested this release and cannot approve or reject it");
        assertThatThrownBy(() -> taskService().claim(approval.getId(), REQUESTER))
                .isInstanceOf(AuthorizationException.class).hasMessageContaining("four-eyes");
        assertThat(release).isWaitingAt(TASK_APPROVE_RELEASE);
        assertThat(taskService().createTaskQuery().taskId(approval.getId()).singleResult().getAssignee()).isNull();
    }

    @Test
    void variablesTheRequesterSetsCannotMakeThemSomebodyElse() throws IOException {
        // Given a requester in release-approvers who claims, through start and completion variables, to be someone else
        IdentityService identity = processEngine.getIdentityService();
        identity.createMembership(REQUESTER, "release-approvers");
        try {
            identity.setAuthenticatedUserId(REQUESTER);
            ProcessInstance release = runtimeService().startProcessInstanceByKey(ReleaseSignoffProcess.PROCESS_KEY,
                    Map.of(DrDrillProcess.Variables.MANIFEST.name(),
                            ProcessTests.catalogName(TestBundle.create(dir).write().manifestPath()),
                            ReleaseSignoffProcess.Variables.REQUESTER.name(), "somebody-else",
                            RELEASE_NAME.name(), "shop", RELEASE_VERSION.name(), "2.4.1"));
            identity.clearAuthentication();
            ProcessTests.runJobs(release);

            // When they approve, sending the requester variable again
            // Then the engine still knows who started the release, and refuses
            assertThatThrownBy(() -> complete(REQUESTER, release, Map.of(DECISION.name(), "approve",
                    ReleaseSignoffProcess.Variables.REQUESTER.name(), "somebody-else")))
                    .isInstanceOf(AuthorizationException.class).hasMessageContaining("four-eyes");
            assertThat(release).isWaitingAt(TASK_APPROVE_RELEASE);
            assertThat(taskService().getVariable(task(release).getId(), ReleaseSignoffProcess.Variables.REQUESTER.name()))
                    .isEqualTo(REQUESTER);
        } finally {
            identity.clearAuthentication();
            identity.deleteMembership(REQUESTER, "release-approvers");
        }
    }

    @Test
    void someoneOutsideReleaseApproversCannotDecide() throws IOException {
        ProcessInstance release = requestRelease(TestBundle.create(dir).write());

        assertThatThrownBy(() -> complete(BYSTANDER, release, Map.of(DECISION.name(), "approve")))
                .isInstanceOf(AuthorizationException.class).hasMessageContaining("release-approvers");
        assertThat(release).isWaitingAt(TASK_APPROVE_RELEASE);
    }

    @Test
    void aRejectionNeedsAReasonAndEndsInRejected() throws IOException {
        // Given a release that waits for approval
        ProcessInstance release = requestRelease(TestBundle.create(dir).write());

        // When the approver rejects without a reason, then with one
        assertThatThrownBy(() -> complete(APPROVER_USER, release, Map.of(DECISION.name(), "reject")))
                .isInstanceOf(BadUserRequestException.class).hasMessageContaining("reason");
        assertThat(release).isWaitingAt(TASK_APPROVE_RELEASE);
        complete(APPROVER_USER, release, Map.of(DECISION.name(), "reject", REASON.name(), "RTO too close to the limit"));

        // Then the release is rejected, with approver and reason recorded
        assertThat(release).isEnded().hasPassed(END_REJECTED).hasNotPassed(END_RELEASED);
        assertThat(history(release, APPROVER.name())).isEqualTo(APPROVER_USER);
        assertThat(signoffEvidence(release).path("reason").asText()).isEqualTo("RTO too close to the limit");
    }

    @Test
    void aFailedDrillBlocksTheRelease() throws IOException {
        // Given a bundle whose backup was tampered with
        TestBundle bundle = TestBundle.create(dir).write();
        Files.writeString(bundle.backupPath(), Files.readString(bundle.backupPath()).replace("ready", "ready "));

        // When a release is requested on it
        ProcessInstance release = requestRelease(bundle);

        // Then the drill's DrDrillError reaches the call activity's boundary: release blocked, nobody asked to approve
        assertThat(release).isEnded().hasPassed(BOUNDARY_DRILL_NOT_PASSED, END_RELEASE_BLOCKED)
                .hasNotPassed(TASK_APPROVE_RELEASE);
        assertThat(history(release, ReleaseSignoffProcess.Variables.DRILL_ERROR_CODE.name())).isEqualTo("DrDrillError");
        assertThat((String) history(release, ReleaseSignoffProcess.Variables.DRILL_ERROR_MESSAGE.name()))
                .contains("digest mismatch");
        assertThat(history(release, RELEASE_STATUS.name())).isEqualTo("blocked");
    }

    @Test
    void approversAreRemindedWhileTheApprovalWaits() throws IOException {
        // Given a release that waits for approval
        ProcessInstance release = requestRelease(TestBundle.create(dir).write());

        // When the reminder timer fires
        Job timer = managementService().createJobQuery().processInstanceId(release.getId()).timers().singleResult();
        execute(timer);
        ProcessTests.runJobs(release);

        // Then a reminder is recorded and the approval still waits
        assertThat(release).hasPassed(TASK_SEND_REMINDER).isWaitingAt(TASK_APPROVE_RELEASE);
        assertThat(release).variables().containsEntry(REMINDERS_SENT.name(), 1);
    }

    private ProcessInstance requestRelease(TestBundle bundle) {
        IdentityService identity = processEngine.getIdentityService();
        identity.setAuthenticatedUserId(REQUESTER);
        try {
            ProcessInstance release = runtimeService().startProcessInstanceByKey(ReleaseSignoffProcess.PROCESS_KEY,
                    Map.of(DrDrillProcess.Variables.MANIFEST.name(), ProcessTests.catalogName(bundle.manifestPath()),
                            RELEASE_NAME.name(), "shop", RELEASE_VERSION.name(), "2.4.1"));
            ProcessTests.runJobs(release);
            return release;
        } finally {
            identity.clearAuthentication();
        }
    }

    private void complete(String user, ProcessInstance release, Map<String, Object> variables) {
        IdentityService identity = processEngine.getIdentityService();
        identity.setAuthentication(user, identity.createGroupQuery().groupMember(user).list().stream()
                .map(Group::getId).toList());
        try {
            taskService().complete(task(release).getId(), variables);
        } finally {
            identity.clearAuthentication();
        }
    }


    private Object history(ProcessInstance release, String name) {
        return processEngine.getHistoryService().createHistoricVariableInstanceQuery()
                .processInstanceId(release.getId()).variableName(name).singleResult().getValue();
    }

    private JsonNode signoffEvidence(ProcessInstance release) throws IOException {
        return TestBundle.JSON.readTree(Path.of((String) history(release,
                ReleaseSignoffProcess.Variables.SIGNOFF_EVIDENCE.name())).toFile());
    }


    private static void group(IdentityService identity, String id) {
        if (identity.createGroupQuery().groupId(id).count() == 0) {
            Group group = identity.newGroup(id);
            identity.saveGroup(group);
        }
    }

    private static void user(IdentityService identity, String id, String groupId) {
        if (identity.createUserQuery().userId(id).count() == 0) {
            User user = identity.newUser(id);
            user.setPassword("test-only-" + id);
            identity.saveUser(user);
            identity.createMembership(id, groupId);
        }
    }
}
