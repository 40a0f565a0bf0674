package io.drdrill.process;

import io.drdrill.DrDrillApplication;
import io.drdrill.testsupport.ProcessTests;
import io.drdrill.testsupport.TestBundle;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.history.HistoricActivityInstance;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.drdrill.process.DrDrillProcess.Elements.END_DRILL_PASSED;
import static io.drdrill.process.DrDrillProcess.Elements.TASK_VALIDATE_SBOM;
import static io.drdrill.process.DrDrillProcess.Elements.TASK_VERIFY_BACKUP_PAYLOAD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

/**
 * Two engine nodes on one database, one after the other: a drill started on the first node, which stops between
 * steps, is finished by the second node at the step that was due. On the default build the nodes share an H2
 * in-memory database; in CI's PostgreSQL run ({@code SPRING_DATASOURCE_URL}) they share that database.
 */
class EngineRestartProcessTest {

    @TempDir
    Path dir;

    @Test
    void aDrillInterruptedByAStoppedNodeResumesOnTheNextNodeAtTheStepThatWasDue() {
        // Given a sound bundle and a database both nodes use
        TestBundle bundle = TestBundle.create(dir).write();
        String database = "jdbc:h2:mem:restart-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        String drillId;

        // When the first node starts the drill, runs three steps and stops
        try (ConfigurableApplicationContext first = node(database)) {
            ProcessEngine engine = first.getBean(ProcessEngine.class);
            drillId = engine.getRuntimeService().startProcessInstanceByKey(DrDrillProcess.PROCESS_KEY, Map.of(
                    DrDrillProcess.Variables.MANIFEST.name(), ProcessTests.catalogName(bundle.manifestPath()),
                    DrDrillProcess.Variables.REPORT_PATH.name(), bundle.evidenceDir().resolve("dr-report.json").toString()))
                    .getId();
            for (int step = 0; step < 3; step++) {
                Job due = engine.getManagementService().createJobQuery().processInstanceId(drillId).singleResult();
                engine.getManagementService().executeJob(due.getId());
            }
        }

        // Then the second node finds the drill waiting at the fourth step and finishes it, each step run once
        try (ConfigurableApplicationContext second = node(database)) {
            ProcessEngine engine = second.getBean(ProcessEngine.class);
            BpmnAwareTests.init(engine);
            var drill = engine.getRuntimeService().createProcessInstanceQuery().processInstanceId(drillId)
                    .singleResult();
            assertThat(drill).isWaitingAt(TASK_VALIDATE_SBOM).hasPassed(TASK_VERIFY_BACKUP_PAYLOAD);
            ProcessTests.runJobs(drill);
            assertThat(drill).isEnded().hasPassed(END_DRILL_PASSED);
            List<HistoricActivityInstance> payloadChecks = engine.getHistoryService()
                    .createHistoricActivityInstanceQuery().processInstanceId(drillId)
                    .activityId(TASK_VERIFY_BACKUP_PAYLOAD).list();
            assertThat(payloadChecks).hasSize(1);
        }
    }

    /** A headless engine node; SPRING_DATASOURCE_URL in the environment wins over the H2 default given here. */
    private static ConfigurableApplicationContext node(String database) {
        return new SpringApplicationBuilder(DrDrillApplication.class)
                .web(WebApplicationType.NONE)
                .profiles("cli")
                .properties(Map.of(
                        "spring.datasource.url", database,
                        "camunda.bpm.generate-unique-process-engine-name", "true",
                        "drdrill.manifests-dir", System.getProperty("java.io.tmpdir"),
                        "drdrill.trusted-caller", "true",
                        "logging.level.root", "WARN"))
                .logStartupInfo(false)
                .run();
    }
}
