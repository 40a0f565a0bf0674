package io.drdrill.process;

import io.drdrill.step.StepName;
import io.drdrill.testsupport.DrillEngineTest;
import io.drdrill.testsupport.ProcessTests;
import io.drdrill.testsupport.TestBundle;

import com.fasterxml.jackson.databind.JsonNode;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import static io.drdrill.process.DrDrillProcess.Elements.BOUNDARY_DR_DRILL_ERROR;
import static io.drdrill.process.DrDrillProcess.Elements.BOUNDARY_INVALID_MANIFEST;
import static io.drdrill.process.DrDrillProcess.Elements.BOUNDARY_POLICY_VIOLATION;
import static io.drdrill.process.DrDrillProcess.Elements.END_DRILL_FAILED;
import static io.drdrill.process.DrDrillProcess.Elements.END_DRILL_PASSED;
import static io.drdrill.process.DrDrillProcess.Elements.END_MANIFEST_INVALID;
import static io.drdrill.process.DrDrillProcess.Elements.END_POLICY_VIOLATED;
import static io.drdrill.process.DrDrillProcess.Elements.TASK_ENFORCE_POLICIES;
import static io.drdrill.process.DrDrillProcess.Elements.TASK_LOAD_MANIFEST;
import static io.drdrill.process.DrDrillProcess.Elements.TASK_RESTORE_AT_SITE;
import static io.drdrill.process.DrDrillProcess.Elements.TASK_VALIDATE_PROVENANCE;
import static io.drdrill.process.DrDrillProcess.Elements.TASK_VALIDATE_SBOM;
import static io.drdrill.process.DrDrillProcess.Elements.TASK_VERIFY_BACKUP_DIGEST;
import static io.drdrill.process.DrDrillProcess.Elements.TASK_VERIFY_BACKUP_PAYLOAD;
import static io.drdrill.process.DrDrillProcess.Variables.CURRENT_TIME;
import static io.drdrill.process.DrDrillProcess.Variables.DRILL_STATUS;
import static io.drdrill.process.DrDrillProcess.Variables.ERROR_MESSAGE;
import static io.drdrill.process.DrDrillProcess.Variables.EVIDENCE_DIR;
import static io.drdrill.process.DrDrillProcess.Variables.FAILED_STAGE;
import static io.drdrill.process.DrDrillProcess.Variables.MANIFEST;
import static io.drdrill.process.DrDrillProcess.Variables.REPORT_PATH;
import static io.drdrill.process.DrDrillProcess.Variables.RPO_MINUTES;
import static io.drdrill.process.DrDrillProcess.Variables.RTO_SECONDS;
import static io.drdrill.testsupport.ProcessTests.events;
import static io.drdrill.testsupport.ProcessTests.historicValue;
import static io.drdrill.testsupport.ProcessTests.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.execute;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.job;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.managementService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.runtimeService;

/** The dr-drill BPMN on a real engine: the passed path and each boundary event, with the evidence they write. */
@DrillEngineTest
@TestPropertySource(properties = "drdrill.trusted-caller=true")
class DrDrillProcessTest {

    private static final String READY_SCRIPT = "#!/bin/sh\nset -eu\ncp \"$1\" \"$4/\"\necho restored\n";

    @Autowired
    ProcessEngine processEngine;

    @TempDir
    Path dir;

    @Autowired
    org.springframework.context.ApplicationContext context;

    @Test
    void everyStepHasADelegateBeanNamedAsTheModelCallsIt() {
        // Given the application's beans
        // When each step's bean is looked up by the name the BPMN uses
        // Then it is a step delegate for exactly that step
        for (StepName step : StepName.values()) {
            assertThat(context.getBean(DrDrillProcess.Delegates.of(step), DrillStepDelegate.class).step())
                    .isEqualTo(step);
        }
    }

    @Test
    void aSoundBackupPassesEveryStepInOrderAndEndsInDrillPassed() throws IOException {
        // Given a bundle whose backup, SBOM, provenance and recall script are all sound, within policy
        TestBundle bundle = TestBundle.create(dir).withScript(READY_SCRIPT).withCopyBackup(false)
                .withPolicies(60.0, 120.0).write();

        // When the drill runs to its end
        ProcessInstance drill = start(bundle);
        ProcessTests.runJobs(drill);

        // Then every step ran, in order, and the drill passed with its metrics recorded
        assertThat(drill).isEnded().hasPassedInOrder(TASK_LOAD_MANIFEST, TASK_VERIFY_BACKUP_DIGEST,
                TASK_VERIFY_BACKUP_PAYLOAD, TASK_VALIDATE_SBOM, TASK_VALIDATE_PROVENANCE, TASK_RESTORE_AT_SITE,
                TASK_ENFORCE_POLICIES, END_DRILL_PASSED);
        assertThat(drill).hasNotPassed(BOUNDARY_DR_DRILL_ERROR, BOUNDARY_POLICY_VIOLATION, BOUNDARY_INVALID_MANIFEST);
        assertThat(drill).variables().containsEntry(DRILL_STATUS.name(), "passed").containsKey(RTO_SECONDS.name())
                .containsEntry(FAILED_STAGE.name(), null);
        assertThat((Double) historicValue(drill, RPO_MINUTES.name())).isBetween(10.0, 11.0);

        JsonNode report = report(bundle);
        assertThat(report.path("status").asText()).isEqualTo("passed");
        assertThat(report.path("process_instance_id").asText()).isEqualTo(drill.getId());
        assertThat(events(bundle)).extracting(e -> e.path("step").asText())
                .containsExactly(ids());
        assertThat(events(bundle)).allSatisfy(e -> assertThat(e.path("status").asText()).isEqualTo("success"));
    }

    @Test
    void eachStepIsAnAsynchronousResumePoint() {
        // Given a sound bundle
        TestBundle bundle = TestBundle.create(dir).write();

        // When the drill starts, and then one step is executed
        ProcessInstance drill = start(bundle);

        // Then the state is committed before each step, so a restarted engine resumes exactly there
        assertThat(drill).isWaitingAt(TASK_LOAD_MANIFEST);
        execute(job(drill));
        assertThat(drill).isWaitingAt(TASK_VERIFY_BACKUP_DIGEST);
        execute(job(drill));
        assertThat(drill).isWaitingAt(TASK_VERIFY_BACKUP_PAYLOAD).hasPassed(TASK_VERIFY_BACKUP_DIGEST);
    }

    @Test
    void aTamperedBackupFailsAtVerifyBackupDigestThroughTheDrDrillErrorBoundary() throws IOException {
        // Given a bundle whose backup had one byte flipped after the manifest was written
        TestBundle bundle = TestBundle.create(dir).write();
        byte[] bytes = Files.readAllBytes(bundle.backupPath());
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(bundle.backupPath(), bytes);

        // When the drill runs
        ProcessInstance drill = start(bundle);
        ProcessTests.runJobs(drill);

        // Then it ended in "drill failed" right after the digest check, and nothing later ran
        assertThat(drill).isEnded().hasPassed(TASK_VERIFY_BACKUP_DIGEST, BOUNDARY_DR_DRILL_ERROR, END_DRILL_FAILED)
                .hasNotPassed(TASK_VERIFY_BACKUP_PAYLOAD, TASK_RESTORE_AT_SITE, END_DRILL_PASSED);
        assertThat(drill).variables().containsEntry(DRILL_STATUS.name(), "failed")
                .containsEntry(FAILED_STAGE.name(), "verify_backup_digest");
        assertThat((String) historicValue(drill, ERROR_MESSAGE.name())).contains("digest mismatch");

        JsonNode report = report(bundle);
        assertThat(report.path("status").asText()).isEqualTo("failed");
        assertThat(report.path("failed_stage").asText()).isEqualTo("verify_backup_digest");
        assertThat(report.path("error").path("type").asText()).isEqualTo("DrDrillError");
        assertThat(report.path("metrics").path("rto_seconds").isNull()).isTrue();
        assertThat(events(bundle)).singleElement()
                .satisfies(e -> assertThat(e.path("status").asText()).isEqualTo("failure"));
    }

    @Test
    void aFailingRecallScriptFailsAtRestoreArtifact() throws IOException {
        // Given a recall script that cannot reach its storage
        TestBundle bundle = TestBundle.create(dir).withCopyBackup(false)
                .withScript("#!/bin/sh\necho 'connecting to vault'\necho 'vault unreachable: timeout' >&2\nexit 7\n")
                .write();

        // When the drill runs
        ProcessInstance drill = start(bundle);
        ProcessTests.runJobs(drill);

        // Then it failed at the restore, naming the exit code and the script's last error line
        assertThat(drill).isEnded().hasPassed(TASK_VALIDATE_PROVENANCE, TASK_RESTORE_AT_SITE, END_DRILL_FAILED)
                .hasNotPassed(TASK_ENFORCE_POLICIES);
        assertThat(drill).variables().containsEntry(FAILED_STAGE.name(), "restore_artifact");
        assertThat((String) historicValue(drill, ERROR_MESSAGE.name())).contains("exited with code 7")
                .contains("vault unreachable: timeout");
        assertThat(Files.readString(bundle.evidenceDir().resolve("restore/recall-stdout.log")))
                .contains("connecting to vault");
    }

    @Test
    void aBackupOlderThanTheRpoLimitEndsInPolicyViolated() throws IOException {
        // Given a backup captured two hours before the drill's pinned time, with a one-hour RPO
        Instant captured = Instant.parse("2026-11-20T06:00:00Z");
        TestBundle bundle = TestBundle.create(dir).withCapturedAt(captured).withPolicies(60.0, 600.0).write();

        // When the drill runs at capture + 2h
        ProcessInstance drill = start(bundle, Map.of(CURRENT_TIME.name(), captured.plus(2, ChronoUnit.HOURS).toString()));
        ProcessTests.runJobs(drill);

        // Then the restore worked but the policy gate threw PolicyViolation
        assertThat(drill).isEnded().hasPassed(TASK_RESTORE_AT_SITE, TASK_ENFORCE_POLICIES,
                BOUNDARY_POLICY_VIOLATION, END_POLICY_VIOLATED).hasNotPassed(END_DRILL_PASSED, END_DRILL_FAILED);
        assertThat(drill).variables().containsEntry(DRILL_STATUS.name(), "policy_violation")
                .containsEntry(FAILED_STAGE.name(), "enforce_policies").containsEntry(RPO_MINUTES.name(), 120.0);
        assertThat((String) historicValue(drill, ERROR_MESSAGE.name())).contains("max_rpo_minutes").contains("120")
                .contains("60");

        JsonNode report = report(bundle);
        assertThat(report.path("status").asText()).isEqualTo("policy_violation");
        assertThat(report.path("metrics").path("rpo_minutes").asDouble()).isEqualTo(120.0);
        assertThat(report.path("error").path("type").asText()).isEqualTo("PolicyViolation");
    }

    @Test
    void anInvalidManifestEndsInDrillInvalidWithEvidence() throws IOException {
        // Given a manifest whose backup digest is not a SHA-256
        TestBundle bundle = TestBundle.create(dir).withManifestSha256("sha256:not-a-digest").write();

        // When the drill runs
        ProcessInstance drill = start(bundle);
        ProcessTests.runJobs(drill);

        // Then no step ran and the drill is recorded as invalid, naming the field
        assertThat(drill).isEnded().hasPassed(TASK_LOAD_MANIFEST, BOUNDARY_INVALID_MANIFEST, END_MANIFEST_INVALID)
                .hasNotPassed(TASK_VERIFY_BACKUP_DIGEST);
        assertThat(drill).variables().containsEntry(DRILL_STATUS.name(), "invalid");
        JsonNode report = report(bundle);
        assertThat(report.path("status").asText()).isEqualTo("invalid");
        assertThat(report.path("error").path("message").asText()).contains("backup.sha256");
        assertThat(events(bundle)).isEmpty();
    }

    @Test
    void aTechnicalExceptionInsideAStepBecomesADrDrillErrorNamingItsType() throws IOException {
        // Given a drill whose pinned time is corrupted after it started
        TestBundle bundle = TestBundle.create(dir).write();
        ProcessInstance drill = start(bundle);
        execute(job(drill));
        runtimeService().setVariable(drill.getId(), CURRENT_TIME.name(), "not a time");

        // When the remaining steps run
        ProcessTests.runJobs(drill);

        // Then the step that hit the exception failed the drill, naming the exception type: never a silent pass
        assertThat(drill).isEnded().hasPassed(BOUNDARY_DR_DRILL_ERROR, END_DRILL_FAILED)
                .hasNotPassed(END_DRILL_PASSED);
        assertThat(drill).variables().containsEntry(FAILED_STAGE.name(), "verify_backup_digest");
        assertThat((String) historicValue(drill, ERROR_MESSAGE.name())).startsWith("technical failure: ")
                .contains("InvalidManifestException");
        assertThat(report(bundle).path("status").asText()).isEqualTo("failed");
    }

    @Test
    void aManifestChangedDuringTheDrillFailsTheNextStep() throws IOException {
        // Given a drill that loaded its manifest
        TestBundle bundle = TestBundle.create(dir).write();
        ProcessInstance drill = start(bundle);
        execute(job(drill));

        // When someone edits the manifest before the next step
        Files.writeString(bundle.manifestPath(), Files.readString(bundle.manifestPath()) + " ");
        ProcessTests.runJobs(drill);

        // Then the drill fails rather than checking something other than what it started with
        assertThat(drill).isEnded().hasPassed(END_DRILL_FAILED);
        assertThat((String) historicValue(drill, ERROR_MESSAGE.name())).contains("changed while the drill ran");
    }

    @Test
    void aTechnicalFailureThatExhaustsItsRetriesIsAnIncidentNotAPassedDrill() throws IOException {
        // Given a drill whose every step has passed, and whose evidence folder became a plain file
        TestBundle bundle = TestBundle.create(dir).write();
        ProcessInstance drill = start(bundle);
        for (int job = 0; job < 6; job++) { // the manifest, four checks, and the job creating the restore task
            execute(job(drill));
        }
        assertThat(ProcessTests.servedRestore(drill)).isTrue();
        execute(job(drill)); // the policies
        Path evidence = bundle.evidenceDir();
        try (var files = Files.walk(evidence)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        Files.writeString(evidence, "not a folder");

        // When the job that records the verdict fails on every retry its model allows (R3/PT30S)
        Job recordVerdict = job(drill);
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                managementService().executeJob(recordVerdict.getId());
            } catch (RuntimeException expected) {
                // the engine counts the failure down on the job
            }
        }

        // Then the drill stops there with an incident, and it is not recorded as passed
        assertThat(drill).isNotEnded().isWaitingAt(DrDrillProcess.Elements.EVENT_DRILL_PASS_RECORDED);
        assertThat(runtimeService().createIncidentQuery().processInstanceId(drill.getId()).count()).isEqualTo(1);
        assertThat(processEngine.getHistoryService().createHistoricVariableInstanceQuery()
                .processInstanceId(drill.getId()).variableName(DRILL_STATUS.name()).count()).isZero();
    }

    @Test
    void aDrillStartedPastItsStepsIsNeverRecordedAsPassed() throws IOException {
        // Given a bundle, and a start that jumps straight to "Drill passed"
        TestBundle bundle = TestBundle.create(dir).write();
        ProcessInstance drill = runtimeService().createProcessInstanceByKey(DrDrillProcess.PROCESS_KEY)
                .setVariable(MANIFEST.name(), ProcessTests.catalogName(bundle.manifestPath()))
                .setVariable(REPORT_PATH.name(), bundle.evidenceDir().resolve("dr-report.json").toString())
                .startBeforeActivity(END_DRILL_PASSED).execute();

        // When the evidence job runs, as often as its retries allow
        Job recordVerdict = job(drill);
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                managementService().executeJob(recordVerdict.getId());
            } catch (RuntimeException expected) {
                // refused: no step ran
            }
        }

        // Then it is an incident, and no passed report exists
        assertThat(drill).isNotEnded();
        assertThat(runtimeService().createIncidentQuery().processInstanceId(drill.getId()).singleResult()
                .getIncidentMessage()).contains("refusing to record a passed drill");
        assertThat(report(bundle).path("status").asText()).isEqualTo("running");
    }

    @Test
    void aStartWhoseEvidenceWouldReplaceTheBackupIsRefusedAndWritesNothing() throws IOException {
        // Given a bundle, and a start whose report path is the backup itself
        TestBundle bundle = TestBundle.create(dir).write();
        byte[] backup = Files.readAllBytes(bundle.backupPath());
        Map<String, Object> variables = new java.util.HashMap<>();
        variables.put(MANIFEST.name(), ProcessTests.catalogName(bundle.manifestPath()));
        variables.put(REPORT_PATH.name(), bundle.backupPath().toString());
        variables.put(EVIDENCE_DIR.name(), bundle.evidenceDir().toString());

        // When the drill is started
        // Then the start is refused naming both paths, no instance exists and the backup is untouched
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> runtimeService().startProcessInstanceByKey(DrDrillProcess.PROCESS_KEY, variables))
                .isInstanceOf(org.camunda.bpm.engine.AuthorizationException.class)
                .hasMessageContaining("the report " + bundle.backupPath() + " would be written onto the drill's input "
                        + "backup.path");
        assertThat(runtimeService().createProcessInstanceQuery().processDefinitionKey(DrDrillProcess.PROCESS_KEY)
                .variableValueEquals(REPORT_PATH.name(), bundle.backupPath().toString()).count()).isZero();
        assertThat(Files.readAllBytes(bundle.backupPath())).isEqualTo(backup);
        assertThat(bundle.evidenceDir()).doesNotExist();
    }

    private ProcessInstance start(TestBundle bundle) {
        return start(bundle, Map.of());
    }

    private ProcessInstance start(TestBundle bundle, Map<String, Object> extra) {
        Map<String, Object> variables = new java.util.HashMap<>(extra);
        variables.put(MANIFEST.name(), ProcessTests.catalogName(bundle.manifestPath()));
        variables.put(REPORT_PATH.name(), bundle.evidenceDir().resolve("dr-report.json").toString());
        variables.put(EVIDENCE_DIR.name(), bundle.evidenceDir().toString());
        return runtimeService().startProcessInstanceByKey(DrDrillProcess.PROCESS_KEY, variables);
    }

    private static String[] ids() {
        return java.util.Arrays.stream(StepName.values()).map(StepName::id).toArray(String[]::new);
    }
}
