package io.drdrill.process;

import com.fasterxml.jackson.databind.JsonNode;
import io.drdrill.alerting.EvidenceLinks;
import io.drdrill.alerting.SendAlertDelegate;
import io.drdrill.alerts.AlertDispatch;
import io.drdrill.drill.DrillContext;
import io.drdrill.drill.DrillSteps;
import io.drdrill.evidence.EvidenceWriter;
import io.drdrill.manifest.Manifest;
import io.drdrill.manifest.ManifestCatalog;
import io.drdrill.manifest.ManifestLoader;
import io.drdrill.policy.PolicyViolation;
import io.drdrill.step.DrDrillError;
import io.drdrill.step.StepName;
import io.drdrill.step.StepResult;
import io.drdrill.testsupport.ProcessTests;
import io.drdrill.testsupport.TestBundle;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.Deployment;
import org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.camunda.bpm.engine.test.mock.Mocks;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.Process;
import org.camunda.bpm.model.bpmn.instance.ServiceTask;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.drdrill.process.DrDrillProcess.Elements.BOUNDARY_DR_DRILL_ERROR;
import static io.drdrill.process.DrDrillProcess.Elements.BOUNDARY_INVALID_MANIFEST;
import static io.drdrill.process.DrDrillProcess.Elements.BOUNDARY_POLICY_VIOLATION;
import static io.drdrill.process.DrDrillProcess.Elements.END_DRILL_FAILED;
import static io.drdrill.process.DrDrillProcess.Elements.END_DRILL_PASSED;
import static io.drdrill.process.DrDrillProcess.Elements.END_MANIFEST_INVALID;
import static io.drdrill.process.DrDrillProcess.Elements.END_POLICY_VIOLATED;
import static io.drdrill.process.DrDrillProcess.Elements.TASK_ENFORCE_POLICIES;
import static io.drdrill.process.DrDrillProcess.Elements.TASK_RESTORE_AT_SITE;
import static io.drdrill.process.DrDrillProcess.Elements.TASK_VALIDATE_PROVENANCE;
import static io.drdrill.process.DrDrillProcess.Elements.TASK_VALIDATE_SBOM;
import static io.drdrill.process.DrDrillProcess.Elements.TASK_VERIFY_BACKUP_DIGEST;
import static io.drdrill.process.DrDrillProcess.Elements.TASK_VERIFY_BACKUP_PAYLOAD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

/**
 * The dr-drill model on an in-memory engine without Spring: the real listeners and delegates, the drill core's
 * steps replaced by outcomes each test chooses. Fast, and about the BPMN paths alone.
 */
@Deployment(resources = DrDrillProcess.RESOURCE)
class DrDrillModelTest {

    @RegisterExtension
    static ProcessEngineExtension extension = ProcessEngineExtension.builder()
            .configurationResource("model-test.camunda.cfg.xml").build();

    @TempDir
    Path dir;

    ProcessEngine processEngine;
    private final Map<StepName, RuntimeException> failures = new EnumMap<>(StepName.class);
    private final List<StepName> ran = new java.util.ArrayList<>();

    /** The core's steps as the test wants them: each passes unless a failure was set for it. */
    private final DrillSteps steps = new DrillSteps() {
        private final ManifestLoader loader = new ManifestLoader();

        @Override
        public Manifest loadManifest(Path path) {
            return loader.load(path);
        }

        @Override
        public Manifest reloadManifest(Path path, String expectedSha256) {
            return loader.load(path);
        }

        @Override
        public StepResult run(StepName step, DrillContext context) {
            ran.add(step);
            if (failures.containsKey(step)) {
                throw failures.get(step);
            }
            return switch (step) {
                case RESTORE_ARTIFACT -> new StepResult("restored", Map.of("rto_seconds", 1.5),
                        StepResult.Measures.restore(1.5, "key"));
                case VALIDATE_RESTORED_BACKUP -> StepResult.of("restored copy matches",
                        RestoreReportCheck.RESTORED_SHA256_FACT, "sha256:" + context.manifest().backup().sha256());
                case ENFORCE_POLICIES -> new StepResult("within policy", Map.of("rpo_minutes", 10.0),
                        StepResult.Measures.policy(1.5, 10.0));
                default -> StepResult.of(step.id() + " ok", "checked_" + step.id(), true);
            };
        }
    };

    @BeforeEach
    void registerTheModelsBeans() {
        processEngine = extension.getProcessEngine();
        BpmnAwareTests.init(processEngine);
        ManifestCatalog catalog = new ManifestCatalog(dir);
        DrillSettings settings = new DrillSettings(dir, dir.resolve("evidence"), List.of(), false, true);
        EvidenceWriter writer = new EvidenceWriter();
        Mocks.register(DrDrillProcess.Delegates.DRILL_START_LISTENER, new DrillStartListener(settings, writer, catalog));
        Mocks.register(DrDrillProcess.Delegates.LOAD_MANIFEST, new LoadManifestDelegate(steps, catalog, RestoreWorkerSettings.defaults()));
        Mocks.register(DrDrillProcess.Delegates.RESTORE_EVIDENCE_LISTENER, new RestoreEvidenceListener());
        Mocks.register(DrDrillProcess.Delegates.RESTORE_WAITING_ALERT, new io.drdrill.alerting.RestoreWaitingAlertDelegate(
                new AlertDispatch(List.of(), java.time.Clock.systemUTC()), EvidenceLinks.none()));
        Mocks.register(DrDrillProcess.Delegates.EVIDENCE_LISTENER, new EvidenceListener(writer));
        Mocks.register(DrDrillProcess.Delegates.PASSED_DRILL_GUARD, new PassedDrillGuard());
        Mocks.register(DrDrillProcess.Delegates.SEND_ALERT, new SendAlertDelegate(
                new AlertDispatch(List.of(), java.time.Clock.systemUTC()), EvidenceLinks.none()));
        Mocks.register(DrDrillProcess.Delegates.RESTORE_REPORT_CHECK, new RestoreReportCheck(steps));
        for (StepName step : StepName.values()) {
            Mocks.register(DrDrillProcess.Delegates.of(step), new DrillStepDelegate(steps, step, new DrillProgress()));
        }
        new InProcessRestoreWorker(processEngine, steps, new DrillProgress(), RestoreWorkerSettings.defaults(), false);
    }

    @AfterEach
    void forgetTheBeans() {
        Mocks.reset();
    }

    @Test
    void everyStepsTaskNamesTheBeanOfItsStepOrTheRestoreTopicAndResumesAfterARestart() throws Exception {
        // Given the BPMN as deployed
        BpmnModelInstance model;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(DrDrillProcess.RESOURCE)) {
            model = Bpmn.readModelFromStream(in);
        }

        // When its service tasks are read
        Map<String, String> expressions = new HashMap<>();
        Map<String, String> topics = new HashMap<>();
        for (ServiceTask task : model.getModelElementsByType(ServiceTask.class)) {
            if ("external".equals(task.getCamundaType())) {
                topics.put(task.getId(), task.getCamundaTopic());
            } else {
                expressions.put(task.getCamundaDelegateExpression(), task.getId());
            }
            assertThat(task.isCamundaAsyncBefore()).as("%s is asyncBefore", task.getId()).isTrue();
        }

        // Then each step has exactly one task, naming its step's bean, except the two restore steps, which one
        // external task on the restore topic runs at the recovery site; the process keeps its history for a time
        for (StepName step : StepName.values()) {
            if (SiteRestore.STEPS.contains(step)) {
                assertThat(expressions).doesNotContainKey("${" + DrDrillProcess.Delegates.of(step) + "}");
            } else {
                assertThat(expressions).containsKey("${" + DrDrillProcess.Delegates.of(step) + "}");
            }
        }
        assertThat(topics).containsExactly(Map.entry(TASK_RESTORE_AT_SITE, SiteRestore.TOPIC));
        assertThat(expressions).containsKey("${" + DrDrillProcess.Delegates.LOAD_MANIFEST + "}");
        assertThat(model.getModelElementsByType(Process.class)).singleElement()
                .satisfies(p -> assertThat(p.getCamundaHistoryTimeToLiveString()).isNotBlank());
    }

    @Test
    void whenEveryStepPassesTheDrillRunsThemInOrderAndEndsInDrillPassed() throws Exception {
        // Given a bundle whose steps all pass
        TestBundle bundle = TestBundle.create(dir.resolve("b")).write();

        // When the drill runs
        ProcessInstance drill = start(bundle);
        ProcessTests.runJobs(drill);

        // Then it passed every step in order, once each, and its measures are typed variables
        assertThat(drill).isEnded().hasPassedInOrder(TASK_VERIFY_BACKUP_DIGEST, TASK_VERIFY_BACKUP_PAYLOAD,
                TASK_VALIDATE_SBOM, TASK_VALIDATE_PROVENANCE, TASK_RESTORE_AT_SITE, TASK_ENFORCE_POLICIES,
                END_DRILL_PASSED);
        assertThat(ran).containsExactly(StepName.values());
        assertThat(history(drill, DrDrillProcess.Variables.RTO_SECONDS.name())).isEqualTo(1.5);
        assertThat(history(drill, DrDrillProcess.Variables.RPO_MINUTES.name())).isEqualTo(10.0);
        assertThat(history(drill, DrDrillProcess.Variables.DRILL_STATUS.name())).isEqualTo("passed");
        assertThat(report().path("notes").path("steps_passed").asInt()).isEqualTo(StepName.values().length);
    }

    @Test
    void aStepThatFindsAProblemEndsAtDrillFailedWithTheStepNamed() throws Exception {
        // Given a bundle whose provenance check fails
        TestBundle bundle = TestBundle.create(dir.resolve("b")).write();
        failures.put(StepName.VALIDATE_PROVENANCE, new DrDrillError("not signed by a trusted key"));

        // When the drill runs
        ProcessInstance drill = start(bundle);
        ProcessTests.runJobs(drill);

        // Then it leaves through the DrDrillError boundary, no later step ran, and the report says where it failed
        assertThat(drill).isEnded().hasPassed(BOUNDARY_DR_DRILL_ERROR, END_DRILL_FAILED)
                .hasNotPassed(TASK_RESTORE_AT_SITE);
        assertThat(ran).endsWith(StepName.VALIDATE_PROVENANCE);
        JsonNode report = report();
        assertThat(report.path("status").asText()).isEqualTo("failed");
        assertThat(report.path("failed_stage").asText()).isEqualTo("validate_provenance");
        assertThat(report.path("error").path("message").asText()).isEqualTo("not signed by a trusted key");
    }

    @Test
    void aPolicyBreachEndsAtPolicyViolatedWithTheMeasuresRecorded() throws Exception {
        // Given a bundle whose RPO is over its limit
        TestBundle bundle = TestBundle.create(dir.resolve("b")).write();
        failures.put(StepName.ENFORCE_POLICIES, new PolicyViolation(
                List.of(new PolicyViolation.Breach("max_rpo_minutes", 60, 90, "m")), 90, 1.5));

        // When the drill runs
        ProcessInstance drill = start(bundle);
        ProcessTests.runJobs(drill);

        // Then it leaves through the PolicyViolation boundary, with RPO and RTO kept
        assertThat(drill).isEnded().hasPassed(BOUNDARY_POLICY_VIOLATION, END_POLICY_VIOLATED);
        assertThat(history(drill, DrDrillProcess.Variables.RPO_MINUTES.name())).isEqualTo(90.0);
        assertThat(report().path("status").asText()).isEqualTo("policy_violation");
    }

    @Test
    void aManifestThatDoesNotLoadEndsAtDrillInvalidBeforeAnyStep() throws Exception {
        // Given a manifest with an unknown field
        TestBundle bundle = TestBundle.create(dir.resolve("b")).withManifestTweak(m -> m.put("oops", 1)).write();

        // When the drill runs
        ProcessInstance drill = start(bundle);
        ProcessTests.runJobs(drill);

        // Then it is invalid and no step ran
        assertThat(drill).isEnded().hasPassed(BOUNDARY_INVALID_MANIFEST, END_MANIFEST_INVALID);
        assertThat(ran).isEmpty();
        assertThat(report().path("status").asText()).isEqualTo("invalid");
    }

    @Test
    void aTechnicalFailureInAStepIsAFailedDrillThatNamesTheExceptionNeverAPass() throws Exception {
        // Given a restore that crashes with an unexpected exception
        TestBundle bundle = TestBundle.create(dir.resolve("b")).write();
        failures.put(StepName.RESTORE_ARTIFACT, new IllegalStateException("disk on fire"));

        // When the drill runs
        ProcessInstance drill = start(bundle);
        ProcessTests.runJobs(drill);

        // Then it failed at the restore, saying what happened
        assertThat(drill).isEnded().hasPassed(END_DRILL_FAILED).hasNotPassed(END_DRILL_PASSED);
        assertThat(report().path("error").path("message").asText())
                .isEqualTo("technical failure: java.lang.IllegalStateException: disk on fire");
    }

    @Test
    void aStepsRecordIsAJsonVariableKeptWhole() {
        // Given a step whose facts are longer than a string variable can hold
        TestBundle bundle = TestBundle.create(dir.resolve("b")).write();
        String longFact = "x".repeat(10_000);
        failures.put(StepName.VALIDATE_SBOM, new DrDrillError("SBOM too long to say", Map.of("detail", longFact)));

        // When the drill runs
        ProcessInstance drill = start(bundle);
        ProcessTests.runJobs(drill);

        // Then the step's record reads back whole from the history, as a JSON variable
        var variable = processEngine.getHistoryService().createHistoricVariableInstanceQuery()
                .processInstanceId(drill.getId())
                .variableName(DrDrillProcess.Variables.stepRecord(StepName.VALIDATE_SBOM).name()).singleResult();
        assertThat(variable.getTypeName()).isEqualTo("json");
        StepRecord record = DrDrillProcess.Variables.stepRecord(StepName.VALIDATE_SBOM)
                .from(Map.of(variable.getName(), variable.getValue())).orElseThrow();
        assertThat(record.facts()).containsEntry("detail", longFact);
    }

    @Test
    void aServersInProcessWorkerServesOnlyTheRestoresOfItsOwnSite() throws Exception {
        // Given a server whose in-process worker is at site dc-b, a drill of the default site and one of dc-b
        InProcessRestoreWorker siteB = new InProcessRestoreWorker(processEngine, steps, new DrillProgress(),
                new RestoreWorkerSettings(null, null, null, null, null, null, "dc-b", null), false);
        ProcessInstance atDefault = start(TestBundle.create(dir.resolve("default-site")).write());
        ProcessInstance atB = start(TestBundle.create(dir.resolve("site-b")).withManifestTweak(manifest ->
                ((com.fasterxml.jackson.databind.node.ObjectNode) manifest.get("restore")).put("site", "dc-b")).write());
        runJobsOnly(atDefault);
        runJobsOnly(atB);

        // When its poller asks for due restores
        List<InProcessRestoreWorker.Served> served = siteB.serve(null);

        // Then it restored the dc-b drill only; the default site's drill still waits for a worker of its site
        assertThat(served).hasSize(1);
        assertThat(drillOf(served.get(0))).isEqualTo(atB.getId());
        assertThat(atDefault).isWaitingAt(TASK_RESTORE_AT_SITE);
        assertThat(siteB.serve(null)).isEmpty();
    }

    private String drillOf(InProcessRestoreWorker.Served served) {
        return processEngine.getHistoryService().createHistoricExternalTaskLogQuery()
                .externalTaskId(served.taskId()).list().get(0).getProcessInstanceId();
    }

    @Test
    void aWorkersBpmnErrorAtTheRestoreEndsAtDrillFailedWithItsMessageAndStep() throws Exception {
        // Given a drill waiting at its restore task, fetched by a worker
        TestBundle bundle = TestBundle.create(dir.resolve("b")).write();
        ProcessInstance drill = start(bundle);
        runJobsOnly(drill);
        assertThat(drill).isWaitingAt(TASK_RESTORE_AT_SITE);
        var external = processEngine.getExternalTaskService();
        var task = external.fetchAndLock(1, "site-a-worker").topic(SiteRestore.TOPIC, 60_000).execute();
        assertThat(task).hasSize(1);

        // When the worker reports the recall's failure as the DrDrillError BPMN error
        external.handleBpmnError(task.get(0).getId(), "site-a-worker", DrDrillProcess.Errors.DR_DRILL_ERROR,
                "recall script exited 3", Map.of(DrDrillProcess.Variables.FAILED_STAGE.name(), "restore_artifact"));
        ProcessTests.runJobs(drill);

        // Then the error boundary caught it: the drill failed at the restore, with the worker's message
        assertThat(drill).isEnded().hasPassed(BOUNDARY_DR_DRILL_ERROR, END_DRILL_FAILED).hasNotPassed(END_DRILL_PASSED);
        JsonNode report = report();
        assertThat(report.path("status").asText()).isEqualTo("failed");
        assertThat(report.path("failed_stage").asText()).isEqualTo("restore_artifact");
        assertThat(report.path("error").path("message").asText()).isEqualTo("recall script exited 3");
    }

    @Test
    void aWorkerReportWhoseRestoredDigestIsNotTheBackupsIsRefusedAndTheDrillNeverPasses() {
        // Given a drill waiting at its restore task, fetched by a worker
        TestBundle bundle = TestBundle.create(dir.resolve("b")).write();
        ProcessInstance drill = start(bundle);
        runJobsOnly(drill);
        var external = processEngine.getExternalTaskService();
        var task = external.fetchAndLock(1, "liar").topic(SiteRestore.TOPIC, 60_000)
                .variables(DrDrillProcess.Variables.RUN_ID.name()).execute().get(0);
        String runId = (String) task.getVariables().get(DrDrillProcess.Variables.RUN_ID.name());

        // When it completes with passing records whose restored digest is not the backup's
        SiteRestore.Outcome faked = new SiteRestore.Outcome(List.of(
                StepRecord.of(StepName.RESTORE_ARTIFACT, runId, java.time.Instant.now(),
                        io.drdrill.evidence.DrillEvent.Status.SUCCESS, "restored", Map.of("rto_seconds", 1.0)),
                StepRecord.of(StepName.VALIDATE_RESTORED_BACKUP, runId, java.time.Instant.now(),
                        io.drdrill.evidence.DrillEvent.Status.SUCCESS, "matches",
                        Map.of(RestoreReportCheck.RESTORED_SHA256_FACT, "sha256:" + "0".repeat(64)))),
                java.util.Optional.of(1.0), java.util.Optional.of("key"), java.util.Optional.empty());
        Map<String, Object> reported = faked.variables(
                json -> org.camunda.spin.plugin.variable.SpinValues.jsonValue(json).create());

        // Then the completion is refused, naming why, and the drill still waits at its restore
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> external.complete(task.getId(), "liar", reported))
                .hasMessageContaining("refusing the restore worker's report")
                .hasMessageContaining("is not the backup's sha256:");
        assertThat(drill).isWaitingAt(TASK_RESTORE_AT_SITE);
        assertThat(ran).doesNotContain(StepName.ENFORCE_POLICIES);
    }

    @Test
    void aWorkersOwnFailureWithNoRetriesLeftIsAnIncidentNotAVerdict() {
        // Given a drill waiting at its restore task, fetched by a worker
        TestBundle bundle = TestBundle.create(dir.resolve("b")).write();
        ProcessInstance drill = start(bundle);
        runJobsOnly(drill);
        var external = processEngine.getExternalTaskService();
        var task = external.fetchAndLock(1, "w").topic(SiteRestore.TOPIC, 60_000).execute().get(0);

        // When the worker fails on its own (its copy of the bundle is missing) with no retries left
        external.handleFailure(task.getId(), "w", "manifest not found at the recovery site", "details", 0, 0);

        // Then the drill has an incident at the restore and no verdict
        assertThat(processEngine.getRuntimeService().createIncidentQuery().processInstanceId(drill.getId())
                .activityId(TASK_RESTORE_AT_SITE).singleResult().getIncidentMessage())
                .isEqualTo("manifest not found at the recovery site");
        assertThat(drill).isNotEnded();
        assertThat(processEngine.getHistoryService().createHistoricVariableInstanceQuery()
                .processInstanceId(drill.getId()).variableName(DrDrillProcess.Variables.DRILL_STATUS.name()).count())
                .isZero();
    }

    /** Executes due jobs only: the restore task is left to the test. */
    private void runJobsOnly(ProcessInstance drill) {
        for (var jobs = processEngine.getManagementService().createJobQuery().processInstanceId(drill.getId())
                .executable().list(); !jobs.isEmpty(); jobs = processEngine.getManagementService().createJobQuery()
                .processInstanceId(drill.getId()).executable().list()) {
            jobs.forEach(job -> processEngine.getManagementService().executeJob(job.getId()));
        }
    }

    private ProcessInstance start(TestBundle bundle) {
        Map<String, Object> variables = new HashMap<>();
        DrDrillProcess.Variables.MANIFEST.put(variables, dir.relativize(bundle.manifestPath()).toString());
        DrDrillProcess.Variables.REPORT_PATH.put(variables, dir.resolve("evidence/dr-report.json"));
        return processEngine.getRuntimeService().startProcessInstanceByKey(DrDrillProcess.PROCESS_KEY, variables);
    }

    private Object history(ProcessInstance drill, String name) {
        return processEngine.getHistoryService().createHistoricVariableInstanceQuery()
                .processInstanceId(drill.getId()).variableName(name).singleResult().getValue();
    }

    private JsonNode report() throws java.io.IOException {
        return TestBundle.JSON.readTree(dir.resolve("evidence/dr-report.json").toFile());
    }
}
