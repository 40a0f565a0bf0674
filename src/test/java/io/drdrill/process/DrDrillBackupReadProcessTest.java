package io.drdrill.process;

import com.fasterxml.jackson.databind.JsonNode;
import io.drdrill.backup.BackupPayloadCheck;
import io.drdrill.step.BackupReading;
import io.drdrill.step.FileIdentity;
import io.drdrill.step.Progress;
import io.drdrill.step.StepName;
import io.drdrill.testsupport.DrillEngineTest;
import io.drdrill.testsupport.ProcessTests;
import io.drdrill.testsupport.TestBundle;
import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.drdrill.process.DrDrillProcess.Elements.END_DRILL_FAILED;
import static io.drdrill.process.DrDrillProcess.Elements.END_DRILL_PASSED;
import static io.drdrill.process.DrDrillProcess.Elements.TASK_VALIDATE_SBOM;
import static io.drdrill.process.DrDrillProcess.Elements.TASK_VERIFY_BACKUP_DIGEST;
import static io.drdrill.process.DrDrillProcess.Elements.TASK_VERIFY_BACKUP_PAYLOAD;
import static io.drdrill.process.DrDrillProcess.Variables.BACKUP_READING;
import static io.drdrill.process.DrDrillProcess.Variables.ERROR_MESSAGE;
import static io.drdrill.process.DrDrillProcess.Variables.EVIDENCE_DIR;
import static io.drdrill.process.DrDrillProcess.Variables.FAILED_STAGE;
import static io.drdrill.process.DrDrillProcess.Variables.MANIFEST;
import static io.drdrill.process.DrDrillProcess.Variables.REPORT_PATH;
import static io.drdrill.testsupport.ProcessTests.events;
import static io.drdrill.testsupport.ProcessTests.historicValue;
import static io.drdrill.testsupport.ProcessTests.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.execute;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.job;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.runtimeService;

/**
 * The backup is read once across two jobs of the engine: {@code verify_backup_digest} hands what it read to
 * {@code verify_backup_payload} through the process variable {@code backupReading}; the payload step reads
 * nothing while the backup is unchanged, fails when it changed in between, and reads it again when the reading
 * came from another node. Reads are counted by the progress the reading loop reports to, per step.
 */
@DrillEngineTest
@TestPropertySource(properties = "drdrill.trusted-caller=true")
class DrDrillBackupReadProcessTest {

    @Autowired
    DrillProgress progress;

    @TempDir
    Path dir;

    /** Bytes the steps reported reading, by step. */
    private final Map<StepName, Long> read = new EnumMap<>(StepName.class);
    private final Progress counting = new Progress() {
        private StepName current;

        @Override
        public void stepStarted(StepName step) {
            current = step;
            read.put(step, 0L);
        }

        @Override
        public void bytes(String what, long done, long total) {
            read.put(current, done);
        }
    };

    @Test
    void thePayloadStepReportsTheDigestStepsReadingWithoutReadingTheBackup() throws IOException {
        // Given a sound bundle
        TestBundle bundle = TestBundle.create(dir).withReadyServices(5).write();
        long size = Files.size(bundle.backupPath());

        // When the drill runs to its end, its steps telling what they read
        ProcessInstance drill = start(bundle);
        runJobs(drill);

        // Then the digest step read the backup, the payload step read nothing, and the drill passed with seven
        // steps each of its own result
        assertThat(drill).isEnded().hasPassed(END_DRILL_PASSED);
        assertThat(read).containsEntry(StepName.VERIFY_BACKUP_DIGEST, size)
                .containsEntry(StepName.VERIFY_BACKUP_PAYLOAD, 0L);
        JsonNode report = report(bundle);
        assertThat(report.path("schema").asText()).isEqualTo("dr_drill.v2");
        assertThat(report.path("notes").path("services_checked").asInt()).isEqualTo(5);
        JsonNode notes = report.path("notes");
        assertThat(notes.path(BackupPayloadCheck.READ_FACT).asText()).startsWith("once, with the digest");
        assertThat(notes.path("backup_identity").asText()).isEqualTo(FileIdentity.of(bundle.backupPath()));
        List<JsonNode> events = events(bundle);
        assertThat(events).extracting(e -> e.path("step").asText()).containsExactly(
                java.util.Arrays.stream(StepName.values()).map(StepName::id).toArray(String[]::new));
        assertThat(events.get(0).path("notes").asText()).contains("matches the manifest");
        assertThat(events.get(1).path("notes").asText()).isEqualTo("5 services ready");
    }

    @Test
    void aBackupChangedBetweenTheDigestAndThePayloadStepFailsThePayloadStepWithTheReason() throws IOException {
        // Given a drill whose digest step has passed
        TestBundle bundle = TestBundle.create(dir).write();
        ProcessInstance drill = start(bundle);
        execute(job(drill));
        execute(job(drill));
        assertThat(drill).isWaitingAt(TASK_VERIFY_BACKUP_PAYLOAD).hasPassed(TASK_VERIFY_BACKUP_DIGEST);

        // When the backup is written again before the payload step runs
        Files.writeString(bundle.backupPath(), "{\"services\":[{\"name\":\"other\",\"status\":\"ready\"}]}");
        runJobs(drill);

        // Then the drill failed at verify_backup_payload, saying the backup changed after its digest was checked
        assertThat(drill).isEnded().hasPassed(END_DRILL_FAILED).hasNotPassed(TASK_VALIDATE_SBOM);
        assertThat(drill).variables().containsEntry(FAILED_STAGE.name(), "verify_backup_payload");
        String message = (String) historicValue(drill, ERROR_MESSAGE.name());
        assertThat(message).startsWith("backup " + bundle.backupPath() + " changed after its digest was checked (")
                .doesNotContain("\n");
        assertThat(read).containsEntry(StepName.VERIFY_BACKUP_PAYLOAD, 0L);
        assertThat(events(bundle)).extracting(e -> e.path("status").asText()).containsExactly("success", "failure");
    }

    @Test
    void aBrokenPayloadFoundInTheDigestStepsReadFailsAtVerifyBackupPayload() throws IOException {
        // Given a backup whose digest is right but one of whose services is down
        TestBundle bundle = TestBundle.create(dir).withService("cache", "down").write();

        // When the drill runs
        ProcessInstance drill = start(bundle);
        runJobs(drill);

        // Then the digest step passed and the payload step failed, with the payload's reason
        assertThat(drill).isEnded().hasPassed(TASK_VERIFY_BACKUP_DIGEST, END_DRILL_FAILED);
        assertThat(drill).variables().containsEntry(FAILED_STAGE.name(), "verify_backup_payload");
        List<JsonNode> events = events(bundle);
        assertThat(events).extracting(e -> e.path("step").asText())
                .containsExactly("verify_backup_digest", "verify_backup_payload");
        assertThat(events.get(0).path("status").asText()).isEqualTo("success");
        assertThat(events.get(1).path("status").asText()).isEqualTo("failure");
        assertThat(events.get(1).path("notes").asText()).isEqualTo("1 of 4 services not ready: cache (down)");
        assertThat(report(bundle).path("failed_stage").asText()).isEqualTo("verify_backup_payload");
        assertThat(read).containsEntry(StepName.VERIFY_BACKUP_PAYLOAD, 0L);
    }

    @Test
    void aReadingRecordedOnAnotherNodeMakesThePayloadStepReadTheBackupAgain() throws IOException {
        // Given a drill whose digest step ran, as if on another engine node
        TestBundle bundle = TestBundle.create(dir).write();
        ProcessInstance drill = start(bundle);
        execute(job(drill));
        execute(job(drill));
        BackupReading here = BACKUP_READING.from(runtimeService().getVariables(drill.getId())).orElseThrow();
        Map<String, Object> elsewhere = new HashMap<>();
        BACKUP_READING.put(elsewhere, new BackupReading(here.sha256(), here.bytes(), here.identity(),
                "engine-node-2/boot", "engine-node-2", here.format(), here.notes(), here.facts(), here.passed()));
        runtimeService().setVariables(drill.getId(), elsewhere);

        // When the rest of the drill runs here
        runJobs(drill);

        // Then the payload step read the whole backup again, digest and payload, and the drill passed
        assertThat(drill).isEnded().hasPassed(END_DRILL_PASSED);
        assertThat(read).containsEntry(StepName.VERIFY_BACKUP_PAYLOAD, Files.size(bundle.backupPath()));
        assertThat(report(bundle).path("notes").path(BackupPayloadCheck.READ_FACT).asText())
                .isEqualTo("again, with the digest (verify_backup_digest read it on engine-node-2, this step runs on "
                        + FileIdentity.host() + ")");
    }

    @Test
    void aStartThatCarriesABackupReadingIsRefused() {
        // Given a start that brings its own reading of the backup (a payload check nobody made)
        TestBundle bundle = TestBundle.create(dir).write();
        Map<String, Object> variables = variables(bundle);
        variables.put(BACKUP_READING.name(), "{}");

        // When / Then the start is refused
        assertThatThrownBy(() -> runtimeService().startProcessInstanceByKey(DrDrillProcess.PROCESS_KEY, variables))
                .isInstanceOf(AuthorizationException.class).hasMessageContaining("backupReading");
    }

    private void runJobs(ProcessInstance drill) {
        try (DrillProgress.Showing showing = progress.use(counting)) {
            ProcessTests.runJobs(drill);
        }
    }

    private static Map<String, Object> variables(TestBundle bundle) {
        Map<String, Object> variables = new HashMap<>();
        variables.put(MANIFEST.name(), ProcessTests.catalogName(bundle.manifestPath()));
        variables.put(REPORT_PATH.name(), bundle.evidenceDir().resolve("dr-report.json").toString());
        variables.put(EVIDENCE_DIR.name(), bundle.evidenceDir().toString());
        return variables;
    }

    private ProcessInstance start(TestBundle bundle) {
        return runtimeService().startProcessInstanceByKey(DrDrillProcess.PROCESS_KEY, variables(bundle));
    }
}
