package io.drdrill.process;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drdrill.drill.DrillSteps;
import io.drdrill.step.Progress;
import io.drdrill.testsupport.DrillEngineTest;
import io.drdrill.testsupport.ProcessTests;
import io.drdrill.testsupport.TestBundle;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.externaltask.LockedExternalTask;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.variable.Variables;
import org.camunda.spin.plugin.variable.SpinValues;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.drdrill.process.DrDrillProcess.Elements.END_DRILL_FAILED;
import static io.drdrill.process.DrDrillProcess.Elements.END_DRILL_PASSED;
import static io.drdrill.process.DrDrillProcess.Elements.TASK_RESTORE_AT_SITE;
import static io.drdrill.process.DrDrillProcess.Variables.EVIDENCE_DIR;
import static io.drdrill.process.DrDrillProcess.Variables.MANIFEST;
import static io.drdrill.process.DrDrillProcess.Variables.MANIFEST_SHA256;
import static io.drdrill.process.DrDrillProcess.Variables.RECALL_STDOUT_UPLOAD;
import static io.drdrill.process.DrDrillProcess.Variables.REPORT_PATH;
import static io.drdrill.process.DrDrillProcess.Variables.RESTORE_SITE;
import static io.drdrill.process.DrDrillProcess.Variables.RESTORE_WORKER;
import static io.drdrill.process.DrDrillProcess.Variables.RUN_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.externalTaskService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.managementService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.runtimeService;

/**
 * Restores routed to their recovery site, on the application's engine: the engine's fetch and lock with the
 * filter a site's worker subscribes with ({@code restoreSite} equals its {@code --site}), a worker at another host
 * played by the same {@link SiteRestore} the worker command runs, writing its logs to a folder of its own, and the
 * server's copies of those logs in the drill's evidence.
 */
@DrillEngineTest
@TestPropertySource(properties = "drdrill.trusted-caller=true")
class RestoreSiteProcessTest {

    private static final String RECALL = "#!/bin/sh\nset -eu\necho \"recalled at the site\"\necho \"a warning\" >&2\n"
            + "cp \"$1\" \"$4/\"\n";
    private static final String FAILING_RECALL = "#!/bin/sh\necho \"the tape library is offline\" >&2\nexit 3\n";
    private static final String SITE_B_WORKER = "site-b-worker@4242@dr-b.example";

    @Autowired
    ProcessEngine processEngine;

    @Autowired
    DrillSteps steps;

    @TempDir
    Path dir;

    @Test
    void aRestoreOfSiteBIsFetchedOnlyByASiteBSubscriptionAndTheReportNamesTheSiteTheWorkerAndTheServersLogs()
            throws IOException {
        // Given a drill whose manifest names site dc-b, waiting at its restore
        TestBundle bundle = siteBBundle("b", RECALL);
        ProcessInstance drill = startUntilRestore(bundle);
        assertThat(drill).isWaitingAt(TASK_RESTORE_AT_SITE);
        assertThat(RESTORE_SITE.from(runtimeService().getVariables(drill.getId()))).contains("dc-b");

        // When workers of site-a and of the default site fetch, and then a worker of dc-b
        List<LockedExternalTask> siteA = fetch("site-a", drill);
        List<LockedExternalTask> defaultSite = fetch("default", drill);
        List<LockedExternalTask> siteB = fetch("dc-b", drill);

        // Then only the dc-b worker got the restore
        assertThat(siteA).isEmpty();
        assertThat(defaultSite).isEmpty();
        assertThat(siteB).hasSize(1);

        // When that worker restores it on its host (its logs in a folder of its own) and reports with its logs
        Path workerFolder = dir.resolve("worker-evidence");
        SiteRestore.Outcome outcome = restoreAtTheWorker(siteB.get(0), workerFolder);
        assertThat(outcome.failure()).isEmpty();
        Map<String, Object> returned = new LinkedHashMap<>(SiteRestore.logUploads(outcome, Variables::byteArrayValue));
        RESTORE_WORKER.put(returned, SITE_B_WORKER);
        externalTaskService().complete(siteB.get(0).getId(), SITE_B_WORKER,
                outcome.variables(json -> SpinValues.jsonValue(json).create()), returned);
        ProcessTests.runJobs(drill);

        // Then the drill passed, its report names the site and the worker, and points at the server's log copies
        assertThat(drill).isEnded().hasPassed(END_DRILL_PASSED);
        JsonNode notes = report(bundle).path("notes");
        assertThat(notes.path(RestoreEvidenceListener.SITE_FACT).asText()).isEqualTo("dc-b");
        assertThat(notes.path(RestoreEvidenceListener.WORKER_FACT).asText()).isEqualTo(SITE_B_WORKER);
        Path stdout = bundle.evidenceDir().resolve("restore").resolve("recall-stdout.log");
        Path stderr = bundle.evidenceDir().resolve("restore").resolve("recall-stderr.log");
        assertThat(notes.path("restore_stdout_log").asText()).isEqualTo(stdout.toString());
        assertThat(notes.path("restore_stderr_log").asText()).isEqualTo(stderr.toString());
        assertThat(Files.readString(stdout)).isEqualTo("recalled at the site\n");
        assertThat(Files.readString(stderr)).isEqualTo("a warning\n");
        assertThat(report(bundle).toString()).doesNotContain(workerFolder.toString());
        // ... and the uploads are not kept as variables of the drill
        assertThat(processEngine.getHistoryService().createHistoricVariableInstanceQuery()
                .processInstanceId(drill.getId()).variableName(RECALL_STDOUT_UPLOAD.name()).list()).isEmpty();
    }

    @Test
    void aManifestThatNamesNoSiteIsRestoredByTheDefaultSitesWorkerAndNotFetchedByAnotherSite() throws IOException {
        // Given a drill whose manifest names no site, waiting at its restore
        TestBundle bundle = TestBundle.create(dir.resolve("d")).withCopyBackup(false).withScript(RECALL).write();
        ProcessInstance drill = startUntilRestore(bundle);

        // When a worker of dc-b fetches
        List<LockedExternalTask> siteB = fetch("dc-b", drill);

        // Then it got nothing: the drill is at the default site, and the server's own worker restores it
        assertThat(siteB).isEmpty();
        assertThat(RESTORE_SITE.from(runtimeService().getVariables(drill.getId()))).contains("default");
        ProcessTests.runJobs(drill);
        assertThat(drill).isEnded().hasPassed(END_DRILL_PASSED);
        JsonNode notes = report(bundle).path("notes");
        assertThat(notes.path(RestoreEvidenceListener.SITE_FACT).asText()).isEqualTo("default");
        assertThat(notes.path(RestoreEvidenceListener.WORKER_FACT).asText()).startsWith("in-process@");
        Path stdout = bundle.evidenceDir().resolve("restore").resolve("recall-stdout.log");
        assertThat(notes.path("restore_stdout_log").asText()).isEqualTo(stdout.toString());
        assertThat(Files.readString(stdout)).isEqualTo("recalled at the site\n");
    }

    @Test
    void aWorkersOversizedLogIsBoundedByTheServerAndALogPathItNamesWithoutSendingTheLogIsDropped()
            throws IOException {
        // Given a drill of site dc-b locked by its worker, which restored it on its host
        TestBundle bundle = siteBBundle("h", RECALL);
        ProcessInstance drill = startUntilRestore(bundle);
        LockedExternalTask task = fetch("dc-b", drill).get(0);
        SiteRestore.Outcome outcome = restoreAtTheWorker(task, dir.resolve("worker-evidence"));

        // When it reports a 3 MiB stdout and no stderr (its record still naming its own stderr file)
        byte[] flood = "x".repeat(3 << 20).getBytes(StandardCharsets.US_ASCII);
        Map<String, Object> returned = new HashMap<>();
        RECALL_STDOUT_UPLOAD.put(returned, flood);
        RESTORE_WORKER.put(returned, "bad worker\nid");
        externalTaskService().complete(task.getId(), SITE_B_WORKER,
                outcome.variables(json -> SpinValues.jsonValue(json).create()), returned);
        ProcessTests.runJobs(drill);

        // Then the server kept 1 MiB of stdout and said so, named no stderr, and took no malformed worker id
        assertThat(drill).isEnded().hasPassed(END_DRILL_PASSED);
        Path stdout = bundle.evidenceDir().resolve("restore").resolve("recall-stdout.log");
        String kept = Files.readString(stdout);
        assertThat(kept).startsWith("xxxx").endsWith("[log truncated at 1048576 bytes by the server]\n");
        assertThat(Files.size(stdout)).isLessThan(SiteRestore.UPLOADED_LOG_LIMIT_BYTES + 100);
        JsonNode notes = report(bundle).path("notes");
        assertThat(notes.has("restore_stderr_log")).isFalse();
        assertThat(Files.exists(bundle.evidenceDir().resolve("restore").resolve("recall-stderr.log"))).isFalse();
        assertThat(notes.path(RestoreEvidenceListener.WORKER_FACT).asText()).isEqualTo("(not reported)");
    }

    @Test
    void aFailedRecallReportedAsABpmnErrorStillLeavesItsLogsInTheServersEvidence() throws IOException {
        // Given a drill of site dc-b whose recall fails on the worker's host
        TestBundle bundle = siteBBundle("f", FAILING_RECALL);
        ProcessInstance drill = startUntilRestore(bundle);
        LockedExternalTask task = fetch("dc-b", drill).get(0);
        SiteRestore.Outcome outcome = restoreAtTheWorker(task, dir.resolve("worker-evidence"));
        assertThat(outcome.failure()).isPresent();

        // When the worker reports the BPMN error with its logs (a BPMN error carries no local variables)
        Map<String, Object> reported = outcome.variables(json -> SpinValues.jsonValue(json).create());
        reported.putAll(SiteRestore.logUploads(outcome, Variables::byteArrayValue));
        RESTORE_WORKER.put(reported, SITE_B_WORKER);
        externalTaskService().handleBpmnError(task.getId(), SITE_B_WORKER, outcome.failure().get().errorCode(),
                outcome.failure().get().message(), reported);
        ProcessTests.runJobs(drill);

        // Then the drill failed at restore_artifact and the server serves the recall's stderr from its evidence
        assertThat(drill).isEnded().hasPassed(END_DRILL_FAILED);
        Path stderr = bundle.evidenceDir().resolve("restore").resolve("recall-stderr.log");
        assertThat(Files.readString(stderr)).isEqualTo("the tape library is offline\n");
        JsonNode notes = report(bundle).path("notes");
        assertThat(notes.path("restore_stderr_log").asText()).isEqualTo(stderr.toString());
        assertThat(notes.path(RestoreEvidenceListener.SITE_FACT).asText()).isEqualTo("dc-b");
        assertThat(report(bundle).path("failed_stage").asText()).isEqualTo("restore_artifact");
    }

    /** A written bundle in {@code folder} whose manifest names site dc-b, recalled by {@code script} in place. */
    private TestBundle siteBBundle(String folder, String script) {
        return TestBundle.create(dir.resolve(folder)).withCopyBackup(false).withScript(script)
                .withManifestTweak(manifest -> ((ObjectNode) manifest.get("restore")).put("site", "dc-b")).write();
    }

    /** Starts a drill of the bundle and runs it, serving no restore, until it waits at its restore. */
    private static ProcessInstance startUntilRestore(TestBundle bundle) {
        ProcessInstance drill = start(bundle);
        runJobsWithoutWorkers(drill);
        return drill;
    }

    private static ProcessInstance start(TestBundle bundle) {
        Map<String, Object> variables = new HashMap<>();
        MANIFEST.put(variables, ProcessTests.catalogName(bundle.manifestPath()));
        REPORT_PATH.put(variables, bundle.evidenceDir().resolve("dr-report.json"));
        EVIDENCE_DIR.put(variables, bundle.evidenceDir());
        return runtimeService().startProcessInstanceByKey(DrDrillProcess.PROCESS_KEY, variables);
    }

    /** Runs the engine's due jobs of the drill, serving no restore: the drill stops at the restore task. */
    private static void runJobsWithoutWorkers(ProcessInstance drill) {
        for (List<Job> jobs = due(drill); !jobs.isEmpty(); jobs = due(drill)) {
            jobs.forEach(job -> managementService().executeJob(job.getId()));
        }
    }

    private static List<Job> due(ProcessInstance drill) {
        return managementService().createJobQuery().processInstanceId(drill.getId()).executable().list();
    }

    /** What a worker of {@code site} fetches, with the filter {@code bin/dr-drill worker --site} subscribes with. */
    private static List<LockedExternalTask> fetch(String site, ProcessInstance drill) {
        return externalTaskService().fetchAndLock(10, "dc-b".equals(site) ? SITE_B_WORKER : "worker-at-" + site)
                .topic(SiteRestore.TOPIC, 60_000)
                .processDefinitionKey(DrDrillProcess.PROCESS_KEY)
                .processInstanceVariableEquals(RESTORE_SITE.name(), site)
                .variables(MANIFEST_SHA256.name(), RUN_ID.name())
                .execute().stream()
                .filter(task -> {
                    if (task.getProcessInstanceId().equals(drill.getId())) {
                        return true;
                    }
                    externalTaskService().unlock(task.getId()); // another test's drill: not ours to hold
                    return false;
                }).toList();
    }

    /** The restore as a worker at another host carries it out: its own evidence folder for the recall's logs. */
    private SiteRestore.Outcome restoreAtTheWorker(LockedExternalTask task, Path workerFolder) {
        String runId = RUN_ID.from(task.getVariables()).orElseThrow();
        Path manifest = DrDrillProcess.Variables.MANIFEST_PATH.from(
                runtimeService().getVariables(task.getProcessInstanceId())).orElseThrow();
        return new SiteRestore(steps).run(new SiteRestore.Request(manifest,
                MANIFEST_SHA256.from(task.getVariables()).orElseThrow(), Instant.now(),
                workerFolder.resolve(runId), runId), Progress.NONE);
    }

    private static JsonNode report(TestBundle bundle) throws IOException {
        return TestBundle.JSON.readTree(bundle.evidenceDir().resolve("dr-report.json").toFile());
    }
}
