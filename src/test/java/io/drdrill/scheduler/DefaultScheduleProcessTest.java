package io.drdrill.scheduler;

import io.drdrill.process.DrDrillProcess;
import io.drdrill.testsupport.DrillEngineTest;
import io.drdrill.testsupport.TestBundle;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.TextStyle;
import java.util.Locale;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.execute;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.historyService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.managementService;

/** {@code drdrill.schedule.default-cron}: the schedule of catalog manifests that have none of their own. */
@DrillEngineTest
class DefaultScheduleProcessTest {

    private static final Path CATALOG = tempFolder("catalog");
    private static final Path EVIDENCE = tempFolder("evidence");

    @DynamicPropertySource
    static void ownCatalogAndADefaultOfEveryMinute(DynamicPropertyRegistry registry) {
        registry.add("drdrill.manifests-dir", CATALOG::toString);
        registry.add("drdrill.evidence-dir", EVIDENCE::toString);
        registry.add("drdrill.schedule.default-cron", () -> "0 * * ? * *");
    }

    @AfterEach
    void theClockIsReset() {
        ClockUtil.reset();
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
    void theDefaultSchedulesManifestsWithoutOneAndAManifestsOwnScheduleWins() {
        // Given a tick after every earlier one (the database may be shared with other tests), then a manifest
        // without a schedule and one scheduled weekly on the day after that tick's day
        Instant base = historyService().createHistoricProcessInstanceQuery()
                .processDefinitionKey(DrillSchedulerProcess.PROCESS_KEY).orderByProcessInstanceStartTime().desc()
                .listPage(0, 1).stream().map(i -> i.getStartTime().toInstant()).findFirst().orElse(Instant.now())
                .plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MINUTES);
        tick(base);
        String dayAfter = base.atZone(ZoneId.systemDefault()).plusDays(1).getDayOfWeek()
                .getDisplayName(TextStyle.SHORT, Locale.ROOT).toUpperCase(Locale.ROOT);
        TestBundle.create(CATALOG.resolve("plain")).withCopyBackup(true).write();
        TestBundle.create(CATALOG.resolve("weekly")).withCopyBackup(true)
                .withManifestTweak(m -> m.putObject("schedule").put("cron", "0 0 3 ? * " + dayAfter)).write();

        // When a minute passes and the scheduler ticks
        tick(base.plus(1, ChronoUnit.MINUTES));

        // Then the default started the plain manifest's drill, and the weekly one waits for its day
        assertThat(drillsOf("plain/" + TestBundle.MANIFEST_FILE)).hasSize(1);
        assertThat(drillsOf("weekly/" + TestBundle.MANIFEST_FILE)).isEmpty();
    }

    @Test
    void anInvalidDefaultCronIsRefusedNamingTheProperty() {
        // Given a default cron of five fields
        // When / Then the settings refuse it with one line naming the property
        assertThatThrownBy(() -> new ScheduleSettings("0 3 * * 1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("drdrill.schedule.default-cron: ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThat(new ScheduleSettings(" ").defaultSchedule()).isEmpty();
    }

    private static void tick(Instant at) {
        ClockUtil.setCurrentTime(Date.from(at));
        execute(managementService().createJobQuery().processDefinitionKey(DrillSchedulerProcess.PROCESS_KEY)
                .timers().singleResult());
    }

    private static List<HistoricProcessInstance> drillsOf(String name) {
        return historyService().createHistoricProcessInstanceQuery().processDefinitionKey(DrDrillProcess.PROCESS_KEY)
                .processInstanceBusinessKey(name).list();
    }

    private static Path tempFolder(String prefix) {
        try {
            return Files.createTempDirectory("default-schedule-" + prefix).toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
