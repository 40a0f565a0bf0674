package io.drdrill.process;

import com.fasterxml.jackson.databind.JsonNode;
import io.drdrill.evidence.ReviewEvidence;
import io.drdrill.testsupport.DrillEngineTest;
import io.drdrill.testsupport.ProcessTests;
import io.drdrill.testsupport.TestBundle;
import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.BadUserRequestException;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.task.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.drdrill.process.DrDrillProcess.Elements.END_DRILL_FAILED;
import static io.drdrill.process.DrDrillProcess.Elements.TASK_REVIEW_DRILL_FAILURE;
import static io.drdrill.process.DrDrillProcess.Variables.ACKNOWLEDGED;
import static io.drdrill.process.DrDrillProcess.Variables.MANIFEST;
import static io.drdrill.process.DrDrillProcess.Variables.REVIEWER;
import static io.drdrill.process.DrDrillProcess.Variables.REVIEW_NOTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.runtimeService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.task;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.taskService;

/** The review of a failed drill on a real engine: who reviewed it is the engine's word, and it is evidence. */
@DrillEngineTest
@TestPropertySource(properties = {"drdrill.review-failed-drills=true",
        "drdrill.evidence-dir=${java.io.tmpdir}/dr-drill-review-test-evidence"})
class DrillReviewProcessTest {

    private static final String OPERATOR = "olga";

    @Autowired
    ProcessEngine processEngine;

    @TempDir
    Path dir;

    @AfterEach
    void signOut() {
        processEngine.getIdentityService().clearAuthentication();
    }

    @Test
    void aFailedDrillWaitsForReviewUnderATaskNameThatSaysWhichDrillAndInWords() throws IOException {
        // Given a tampered bundle
        TestBundle bundle = tampered();

        // When its drill fails
        ProcessInstance drill = start(bundle);

        // Then it waits for review under a name with its manifest and run id, its business key is the manifest,
        // and the failure reads in words
        String manifest = ProcessTests.catalogName(bundle.manifestPath());
        String runId = (String) runtimeService().getVariable(drill.getId(), "runId");
        assertThat(drill).isWaitingAt(TASK_REVIEW_DRILL_FAILURE);
        assertThat(task(drill).getName()).isEqualTo("Review failed drill: " + manifest + " (" + runId + ")");
        assertThat(drill.getBusinessKey()).isEqualTo(manifest);
        assertThat(drill).variables().containsEntry("failedStep", "Verify backup digest")
                .containsEntry("evidenceUrl", "/drills/" + runId + "/")
                .containsEntry("reportUrl", "/drills/" + runId + "/dr-report.json")
                .containsEntry("rpoText", "not measured (no limit)");
    }

    @Test
    void acknowledgingTheFailureWritesReviewJsonAndTheReportLinksIt() throws IOException {
        // Given a failed drill waiting for review
        ProcessInstance drill = start(tampered());
        Path report = Path.of((String) runtimeService().getVariable(drill.getId(), "reportPath"));

        // When an operator acknowledges it with a note
        complete(OPERATOR, task(drill), Map.of(ACKNOWLEDGED.name(), true, REVIEW_NOTE.name(), "  INC-4711: backup job re-run  "));

        // Then the drill ends as failed, and review.json beside the report names the engine's user, the note, the time
        assertThat(drill).isEnded().hasPassed(END_DRILL_FAILED);
        Path file = report.resolveSibling(ReviewEvidence.FILE);
        JsonNode review = TestBundle.JSON.readTree(file.toFile());
        assertThat(review.path("schema").asText()).isEqualTo(ReviewEvidence.SCHEMA);
        assertThat(review.path("reviewer").asText()).isEqualTo(OPERATOR);
        assertThat(review.path("decision").asText()).isEqualTo("acknowledged");
        assertThat(review.path("note").asText()).isEqualTo("INC-4711: backup job re-run");
        assertThat(review.path("drill_status").asText()).isEqualTo("failed");
        assertThat(review.path("failed_stage").asText()).isEqualTo("verify_backup_digest");
        assertThat(review.path("reviewed_at").asText()).isNotBlank();
        JsonNode linked = TestBundle.JSON.readTree(report.toFile()).path("review");
        assertThat(linked.path("file").asText()).isEqualTo("review.json");
        assertThat(linked.path("reviewer").asText()).isEqualTo(OPERATOR);
        assertThat(TestBundle.JSON.readTree(report.toFile()).path("status").asText()).isEqualTo("failed");
        assertThat(history(drill, REVIEWER.name())).isEqualTo(OPERATOR);
    }

    @Test
    void aReviewWithoutTheAcknowledgementOrWithoutALoggedInUserIsRefusedAndNothingIsWritten() throws IOException {
        // Given a failed drill waiting for review
        ProcessInstance drill = start(tampered());
        Path review = Path.of((String) runtimeService().getVariable(drill.getId(), "reportPath"))
                .resolveSibling(ReviewEvidence.FILE);
        Task task = task(drill);

        // When it is completed without ticking the acknowledgement, or by nobody in particular
        // Then each is refused with the one-line rule (400 / 403 over REST), and the drill still waits, unreviewed
        assertThatThrownBy(() -> complete(OPERATOR, task, Map.of(REVIEW_NOTE.name(), "looks fine")))
                .isInstanceOf(BadUserRequestException.class)
                .hasMessageStartingWith("tick 'I have read the failure and the evidence'");
        assertThatThrownBy(() -> taskService().complete(task.getId(), Map.of(ACKNOWLEDGED.name(), true)))
                .isInstanceOf(AuthorizationException.class)
                .hasMessage("a drill review names its reviewer: complete it as a logged-in user");
        assertThat(drill).isWaitingAt(TASK_REVIEW_DRILL_FAILURE);
        assertThat(review).doesNotExist();
    }

    @Test
    void aStartCannotBringItsOwnReviewerOrAcknowledgement() throws IOException {
        // Given a tampered bundle
        String manifest = ProcessTests.catalogName(tampered().manifestPath());

        // When a drill is started with a reviewer or an acknowledgement already set
        // Then the start is refused: only the engine records a review
        for (String own : List.of(REVIEWER.name(), ACKNOWLEDGED.name())) {
            assertThatThrownBy(() -> runtimeService().startProcessInstanceByKey(DrDrillProcess.PROCESS_KEY,
                    Map.of(MANIFEST.name(), manifest, own, ACKNOWLEDGED.name().equals(own) ? (Object) true : "mallory")))
                    .isInstanceOf(AuthorizationException.class).hasMessageContaining(own);
        }
    }

    private TestBundle tampered() throws IOException {
        TestBundle bundle = TestBundle.create(dir).write();
        Files.writeString(bundle.backupPath(), Files.readString(bundle.backupPath()).replace("ready", "ready "));
        return bundle;
    }

    private ProcessInstance start(TestBundle bundle) {
        ProcessInstance drill = runtimeService().startProcessInstanceByKey(DrDrillProcess.PROCESS_KEY,
                Map.of(MANIFEST.name(), ProcessTests.catalogName(bundle.manifestPath())));
        ProcessTests.runJobs(drill);
        return drill;
    }

    private void complete(String user, Task task, Map<String, Object> variables) {
        IdentityService identity = processEngine.getIdentityService();
        identity.setAuthentication(user, List.of("dr-operators"));
        try {
            taskService().complete(task.getId(), variables);
        } finally {
            identity.clearAuthentication();
        }
    }

    private Object history(ProcessInstance drill, String name) {
        return processEngine.getHistoryService().createHistoricVariableInstanceQuery()
                .processInstanceId(drill.getId()).variableName(name).singleResult().getValue();
    }
}
