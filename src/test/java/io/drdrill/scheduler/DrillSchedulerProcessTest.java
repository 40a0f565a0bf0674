package io.drdrill.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import io.drdrill.process.DrDrillProcess;
import io.drdrill.server.DrillStartFormDeployer;
import io.drdrill.manifest.ManifestCatalog;
import io.drdrill.testsupport.DrillEngineTest;
import io.drdrill.testsupport.ProcessTests;
import io.drdrill.testsupport.TestBundle;
import io.drdrill.testsupport.WebhookReceiver;
import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.history.HistoricVariableInstance;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.repository.Deployment;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.drdrill.process.DrDrillProcess.Variables.MANIFEST;
import static io.drdrill.process.DrDrillProcess.Variables.REPORT_PATH;
import static io.drdrill.process.DrDrillProcess.Variables.STARTED_BY;
import static io.drdrill.scheduler.DrillSchedulerProcess.Elements.END_TICK_DONE;
import static io.drdrill.scheduler.DrillSchedulerProcess.Elements.START_EVERY_MINUTE;
import static io.drdrill.scheduler.DrillSchedulerProcess.Elements.TASK_START_DUE_DRILLS;
import static io.drdrill.scheduler.DrillSchedulerProcess.Variables.SKIPPED_DRILLS;
import static io.drdrill.scheduler.DrillSchedulerProcess.Variables.STARTED_DRILLS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.execute;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.historyService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.identityService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.managementService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.repositoryService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.runtimeService;

/**
 * The drill-scheduler process on the application's engine, its catalog a folder of its own: the timer job is
 * executed by the test and the engine clock moved with {@link ClockUtil}, so minutes and downtimes pass at once.
 */
@DrillEngineTest
@Import(DrillSchedulerProcessTest.StartForm.class)
class DrillSchedulerProcessTest {

    private static final Path CATALOG = tempFolder("catalog");
    private static final Path EVIDENCE = tempFolder("evidence");
    private static final String EVERY_MINUTE = "0 * * ? * *";
    /** The alert channel of this test's server: a real HTTP receiver on 127.0.0.1. */
    private static final WebhookReceiver WEBHOOK = WebhookReceiver.start();

    /** The start form follows the catalog in server mode; here the same bean, outside the serve profile. */
    @TestConfiguration
    static class StartForm {
        @Bean
        DrillStartFormDeployer drillStartFormDeployer(RepositoryService repository, ManifestCatalog catalog) {
            return new DrillStartFormDeployer(repository, catalog);
        }
    }

    @DynamicPropertySource
    static void ownCatalog(DynamicPropertyRegistry registry) {
        registry.add("drdrill.manifests-dir", CATALOG::toString);
        registry.add("drdrill.evidence-dir", EVIDENCE::toString);
        registry.add("drdrill.alerts.webhooks[0].url", () -> WEBHOOK.url("/hooks/dr"));
    }

    private Path folder;
    private Instant start;

    @BeforeEach
    void eachTestHasItsOwnCatalogFolderAndAFirstTickAfterEveryEarlierOne() throws IOException {
        folder = Files.createDirectory(CATALOG.resolve("t-" + UUID.randomUUID().toString().substring(0, 8)));
        Instant latest = historyService().createHistoricProcessInstanceQuery()
                .processDefinitionKey(DrillSchedulerProcess.PROCESS_KEY).orderByProcessInstanceStartTime().desc()
                .listPage(0, 1).stream().map(i -> i.getStartTime().toInstant()).findFirst().orElse(Instant.now());
        start = latest.plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MINUTES);
        tick(start); // the tick before each test's manifests arrive: their schedules count from here
    }

    @AfterEach
    void theClockIsResetAndTheFolderLeavesTheCatalog() throws IOException {
        ClockUtil.reset();
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    @org.junit.jupiter.api.AfterAll
    static void theCatalogAndTheEvidenceAreRemoved() throws IOException {
        for (Path root : List.of(CATALOG, EVIDENCE)) {
            try (java.util.stream.Stream<Path> files = Files.walk(root)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @Test
    void theSchedulerTicksEveryMinuteFromATimerStartEventTheEngineShowsAsAJob() {
        // Given the deployed drill-scheduler process, its timer job executed at a whole minute
        Instant at = start.plus(5, ChronoUnit.MINUTES);

        // When its timer job is executed
        HistoricProcessInstance tick = tick(at);

        // Then the tick ran its task to the end, and one timer job waits for the next minute
        assertThat(processInstance(tick)).isEnded().hasPassedInOrder(START_EVERY_MINUTE, TASK_START_DUE_DRILLS,
                END_TICK_DONE);
        assertThat(timer().getDuedate().toInstant()).isEqualTo(at.plus(1, ChronoUnit.MINUTES));
    }

    @Test
    void aOneMinuteScheduleStartsADrillOnItsOwnAsTheSchedulerNotAUser() throws IOException {
        // Given a manifest scheduled every minute, new in the catalog since the last tick
        TestBundle bundle = scheduled("every-minute", EVERY_MINUTE);
        String name = catalogName(bundle);

        // When a minute passes and the scheduler ticks
        HistoricProcessInstance tick = tick(start.plus(1, ChronoUnit.MINUTES));

        // Then it started one drill of that manifest, with the manifest's name as business key, no start user,
        // and the record that the scheduler started it
        List<HistoricProcessInstance> drills = drillsOf(name);
        assertThat(drills).hasSize(1);
        HistoricProcessInstance drill = drills.get(0);
        assertThat(drill.getStartUserId()).isNull();
        ProcessInstance running = runtimeService().createProcessInstanceQuery().processInstanceId(drill.getId())
                .singleResult();
        assertThat(running).isStarted().variables().containsEntry(STARTED_BY.name(),
                DrDrillProcess.STARTED_BY_SCHEDULER).containsEntry(MANIFEST.name(), name);
        assertThat(STARTED_DRILLS.from(variables(tick)).orElseThrow().runs())
                .singleElement().satisfies(run -> {
                    assertThat(run.manifest()).isEqualTo(name);
                    assertThat(run.processInstanceId()).isEqualTo(drill.getId());
                    assertThat(run.slot()).isEqualTo(start.plus(1, ChronoUnit.MINUTES).toString());
                });

        // and the drill runs like any other, its report saying the scheduler started it
        ProcessTests.runJobs(running);
        assertThat(running).isEnded();
        JsonNode report = TestBundle.JSON.readTree(REPORT_PATH.from(variables(drill)).orElseThrow().toFile());
        assertThat(report.path("notes").path("started_by").asText()).isEqualTo("scheduler");
    }

    @Test
    void tenMinutesOfDowntimeWithAOneMinuteScheduleStartExactlyOneDrill() {
        // Given a manifest scheduled every minute whose last scheduled drill has ended
        TestBundle bundle = scheduled("downtime", EVERY_MINUTE);
        String name = catalogName(bundle);
        tick(start.plus(1, ChronoUnit.MINUTES));
        finishAllDrillsOf(name);

        // When the engine was down for ten minutes and ticks again
        HistoricProcessInstance back = tick(start.plus(11, ChronoUnit.MINUTES).plusSeconds(30));
        tick(start.plus(11, ChronoUnit.MINUTES).plusSeconds(45));

        // Then exactly one drill caught the ten missed slots up, and the next tick started nothing more
        assertThat(drillsOf(name)).hasSize(2);
        assertThat(STARTED_DRILLS.from(variables(back)).orElseThrow().runs()).singleElement()
                .satisfies(run -> assertThat(run.missedSlots()).isEqualTo(10));
    }

    @Test
    void aStillRunningDrillOfTheManifestIsNotStartedAgainAndTheSkipIsRecorded() {
        // Given a manifest scheduled every minute whose scheduled drill is still running
        TestBundle bundle = scheduled("still-running", EVERY_MINUTE);
        String name = catalogName(bundle);
        tick(start.plus(1, ChronoUnit.MINUTES));
        String running = drillsOf(name).get(0).getId();

        // When its next slot comes
        HistoricProcessInstance tick = tick(start.plus(2, ChronoUnit.MINUTES));

        // Then no second drill started, and the tick recorded the skip with the running drill
        assertThat(drillsOf(name)).hasSize(1);
        assertThat(STARTED_DRILLS.from(variables(tick)).orElseThrow().runs()).isEmpty();
        assertThat(SKIPPED_DRILLS.from(variables(tick)).orElseThrow().runs()).singleElement().satisfies(run -> {
            assertThat(run.manifest()).isEqualTo(name);
            assertThat(run.processInstanceId()).isEqualTo(running);
            assertThat(run.reason()).contains("still running");
        });

        // and once it ended, the next tick starts the one drill that is due
        finishAllDrillsOf(name);
        tick(start.plus(3, ChronoUnit.MINUTES));
        assertThat(drillsOf(name)).hasSize(2);
    }

    @Test
    void aScheduledDrillThatCouldNotRunIsAnnouncedOnTheAlertChannelsWithRetries() throws IOException {
        // Given a manifest scheduled every minute whose scheduled drill is still running, and a receiver that is
        // down for the first attempt
        TestBundle bundle = scheduled("missed", EVERY_MINUTE);
        String name = catalogName(bundle);
        tick(start.plus(1, ChronoUnit.MINUTES));
        String running = drillsOf(name).get(0).getId();
        WEBHOOK.reset();
        WEBHOOK.answer(503);

        // When its next slot comes, and the tick's alert job runs, fails once and is retried
        HistoricProcessInstance tick = tick(start.plus(2, ChronoUnit.MINUTES));
        ProcessInstance waiting = processInstance(tick);
        assertThat(waiting).isWaitingAt(DrillSchedulerProcess.Elements.TASK_SEND_MISSED_ALERTS);
        Job alert = managementService().createJobQuery().processInstanceId(tick.getId()).singleResult();
        assertThatThrownBy(() -> managementService().executeJob(alert.getId()))
                .hasMessageContaining("missed-run alert not delivered");
        managementService().executeJob(alert.getId());

        // Then the receiver got a "missed" alert naming the manifest, the slot and the drill still running, once
        // delivered; and the tick ended
        List<WebhookReceiver.Request> requests = WEBHOOK.requests();
        assertThat(requests).hasSize(2);
        JsonNode body = TestBundle.JSON.readTree(requests.get(1).body());
        assertThat(body.path("alert").asText()).isEqualTo("missed");
        assertThat(body.path("manifest").asText()).isEqualTo(name);
        assertThat(body.path("blocking_drill").asText()).isEqualTo(running);
        assertThat(body.path("due_at").asText()).isEqualTo(start.plus(2, ChronoUnit.MINUTES).toString());
        assertThat(body.path("reason").asText()).contains("still running");
        assertThat(body.path("text").asText()).startsWith("DR drill MISSED: " + name + ": the scheduled run due");
        assertThat(processInstance(tick)).isEnded().hasPassed(DrillSchedulerProcess.Elements.TASK_SEND_MISSED_ALERTS,
                END_TICK_DONE);
        finishAllDrillsOf(name);
    }

    @Test
    void aDrillSomeoneStartedByHandAlsoHoldsTheScheduleBack() {
        // Given a scheduled manifest of which an operator started a drill that is still running
        TestBundle bundle = scheduled("by-hand", EVERY_MINUTE);
        String name = catalogName(bundle);
        ProcessInstance byHand = runtimeService().startProcessInstanceByKey(DrDrillProcess.PROCESS_KEY,
                Map.of(MANIFEST.name(), name));

        // When its slot comes
        HistoricProcessInstance tick = tick(start.plus(1, ChronoUnit.MINUTES));

        // Then the scheduler skipped it, naming the operator's drill (the only drill of it, under its business key)
        assertThat(drillsOf(name)).extracting(HistoricProcessInstance::getId).containsExactly(byHand.getId());
        assertThat(SKIPPED_DRILLS.from(variables(tick)).orElseThrow().runs()).singleElement()
                .satisfies(run -> assertThat(run.processInstanceId()).isEqualTo(byHand.getId()));
    }

    @Test
    void anUnscheduledManifestIsNeverStarted() {
        // Given a manifest without a schedule (and no catalog-wide default)
        TestBundle bundle = TestBundle.create(folder.resolve("unscheduled")).withCopyBackup(true).write();
        String name = catalogName(bundle);

        // When the scheduler ticks over a week
        tick(start.plus(1, ChronoUnit.MINUTES));
        tick(start.plus(7, ChronoUnit.DAYS));

        // Then no drill of it was started, by business key or by manifest
        assertThat(drillsOf(name)).isEmpty();
        assertThat(historyService().createHistoricProcessInstanceQuery()
                .processDefinitionKey(DrDrillProcess.PROCESS_KEY).variableValueEquals(MANIFEST.name(), name).count())
                .isZero();
    }

    @Test
    void aNewManifestDroppedIntoTheCatalogIsScheduledAndOfferedByTheStartFormWithoutARestart() throws IOException {
        // Given a tick that saw the catalog without the new manifest
        String name = folder.getFileName() + "/dropped/" + TestBundle.MANIFEST_FILE;
        assertThat(startForm()).doesNotContain(name);

        // When a scheduled manifest is dropped into the catalog and the scheduler ticks at its slot
        scheduled("dropped", EVERY_MINUTE);
        tick(start.plus(1, ChronoUnit.MINUTES));

        // Then its drill started, and the start form now offers it
        assertThat(drillsOf(name)).hasSize(1);
        assertThat(startForm()).contains("\"value\" : \"" + name + "\"");

        // and a tick with the catalog unchanged deploys no new form (duplicate filtering)
        long forms = formDeployments();
        tick(start.plus(1, ChronoUnit.MINUTES).plusSeconds(10));
        assertThat(formDeployments()).isEqualTo(forms);
    }

    @Test
    void onlyTheSchedulerMaySayADrillWasScheduled() {
        // Given a scheduled manifest and an authenticated user
        String name = catalogName(scheduled("forged", EVERY_MINUTE));
        identityService().setAuthenticatedUserId("mallory");
        try {
            // When the user starts a drill claiming the scheduler started it
            // Then the start is refused: the scheduler would otherwise believe the slot was served
            assertThatThrownBy(() -> runtimeService().startProcessInstanceByKey(DrDrillProcess.PROCESS_KEY, name,
                    Map.of(MANIFEST.name(), name, STARTED_BY.name(), DrDrillProcess.STARTED_BY_SCHEDULER)))
                    .isInstanceOf(AuthorizationException.class).hasMessageContaining("startedBy");
        } finally {
            identityService().clearAuthentication();
        }
        assertThat(drillsOf(name)).isEmpty();
    }

    // ------------------------------------------------------------------ helpers

    private TestBundle scheduled(String sub, String cron) {
        Consumer<com.fasterxml.jackson.databind.node.ObjectNode> schedule =
                manifest -> manifest.putObject("schedule").put("cron", cron);
        return TestBundle.create(folder.resolve(sub)).withCopyBackup(true).withManifestTweak(schedule).write();
    }

    private static String catalogName(TestBundle bundle) {
        try {
            return CATALOG.toRealPath().relativize(bundle.manifestPath().toRealPath()).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Job timer() {
        return managementService().createJobQuery().processDefinitionKey(DrillSchedulerProcess.PROCESS_KEY)
                .timers().singleResult();
    }

    /** Moves the engine clock to {@code at} and executes the scheduler's timer job there: one tick. */
    private static HistoricProcessInstance tick(Instant at) {
        ClockUtil.setCurrentTime(Date.from(at));
        execute(timer());
        return historyService().createHistoricProcessInstanceQuery()
                .processDefinitionKey(DrillSchedulerProcess.PROCESS_KEY).orderByProcessInstanceStartTime().desc()
                .listPage(0, 1).get(0);
    }

    private static ProcessInstance processInstance(HistoricProcessInstance tick) {
        return runtimeService().createProcessInstanceQuery().processInstanceId(tick.getId()).singleResult() != null
                ? runtimeService().createProcessInstanceQuery().processInstanceId(tick.getId()).singleResult()
                : new EndedInstance(tick);
    }

    private static List<HistoricProcessInstance> drillsOf(String name) {
        return historyService().createHistoricProcessInstanceQuery().processDefinitionKey(DrDrillProcess.PROCESS_KEY)
                .processInstanceBusinessKey(name).list();
    }

    private static void finishAllDrillsOf(String name) {
        runtimeService().createProcessInstanceQuery().processDefinitionKey(DrDrillProcess.PROCESS_KEY)
                .processInstanceBusinessKey(name).list().forEach(ProcessTests::runJobs);
        assertThat(runtimeService().createProcessInstanceQuery().processDefinitionKey(DrDrillProcess.PROCESS_KEY)
                .processInstanceBusinessKey(name).count()).as("drills of %s still running", name).isZero();
    }

    private static Map<String, Object> variables(HistoricProcessInstance instance) {
        return historyService().createHistoricVariableInstanceQuery().processInstanceId(instance.getId()).list()
                .stream().filter(v -> v.getValue() != null)
                .collect(Collectors.toMap(HistoricVariableInstance::getName, HistoricVariableInstance::getValue,
                        (a, b) -> b));
    }

    private static long formDeployments() {
        return repositoryService().createDeploymentQuery().deploymentName("drill-start-form").count();
    }

    private static String startForm() throws IOException {
        Deployment latest = repositoryService().createDeploymentQuery().deploymentName("drill-start-form")
                .orderByDeploymentTime().desc().listPage(0, 1).get(0);
        try (InputStream form = repositoryService().getResourceAsStream(latest.getId(), "drill-start.form")) {
            return new String(form.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** A finished tick as camunda-bpm-assert takes it (it reads an ended instance from the history). */
    private record EndedInstance(HistoricProcessInstance history) implements ProcessInstance {
        public String getId() { return history.getId(); }
        public String getProcessInstanceId() { return history.getId(); }
        public String getRootProcessInstanceId() { return history.getRootProcessInstanceId(); }
        public String getProcessDefinitionId() { return history.getProcessDefinitionId(); }
        public String getProcessDefinitionKey() { return history.getProcessDefinitionKey(); }
        public String getBusinessKey() { return history.getBusinessKey(); }
        public String getCaseInstanceId() { return history.getCaseInstanceId(); }
        public String getTenantId() { return history.getTenantId(); }
        public boolean isSuspended() { return false; }
        public boolean isEnded() { return history.getEndTime() != null; }
    }

    private static Path tempFolder(String prefix) {
        try {
            return Files.createTempDirectory("drill-scheduler-" + prefix).toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
