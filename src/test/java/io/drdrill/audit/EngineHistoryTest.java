package io.drdrill.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drdrill.cli.HeadlessDrill;
import io.drdrill.evidence.AuditChain;
import io.drdrill.evidence.CanonicalJson;
import io.drdrill.evidence.EvidencePaths;
import io.drdrill.process.DrDrillProcess;
import io.drdrill.testsupport.DrillEngineTest;
import io.drdrill.testsupport.ProcessTests;
import io.drdrill.testsupport.ReleaseRequests;
import io.drdrill.testsupport.TestBundle;
import io.drdrill.release.ReleaseSignoffProcess;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.task.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * On a real engine: a headless drill's evidence holds its engine history, chained and bound to the report,
 * events and metrics; the live audit log beside the database handler writes the same lines the history tables
 * give back; and work that rolls back leaves no line.
 */
@DrillEngineTest
@TestPropertySource(properties = {"drdrill.trusted-caller=true", "drdrill.audit.node=test-node",
        "drdrill.evidence-dir=${java.io.tmpdir}/dr-drill-audit-test-evidence"})
class EngineHistoryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path AUDIT_DIR;

    static {
        try {
            AUDIT_DIR = Files.createTempDirectory("drdrill-audit-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void auditDir(DynamicPropertyRegistry registry) {
        registry.add("drdrill.audit.dir", AUDIT_DIR::toString);
    }

    @Autowired
    HeadlessDrill headless;

    @Autowired
    EngineHistory history;

    @Autowired
    AuditLog auditLog;

    @Autowired
    ProcessEngine engine;

    @TempDir
    Path dir;

    @Test
    void aHeadlessDrillsEvidenceHoldsItsEngineHistoryChainedAndBoundToItsReportEventsAndMetrics() throws IOException {
        // Given a good bundle
        TestBundle bundle = TestBundle.create(dir.resolve("bundle")).write();
        EvidencePaths paths = EvidencePaths.in(dir.resolve("out"));

        // When it is drilled as `dr-drill run` drills it
        String id = headless.run(variables(bundle, paths)).result().processInstanceId();

        // Then engine-history.ndjson verifies and holds the instance's start, its steps and its variables
        Path file = paths.engineHistory();
        AuditChain.Verification verified = AuditChain.verify(file);
        assertThat(verified.broken()).isEmpty();
        List<JsonNode> lines = read(file);
        assertThat(lines).anySatisfy(line -> assertThat(line.get("type").asText() + " "
                + line.get("event_type").asText() + " " + line.get("id").asText())
                .isEqualTo("process_instance start " + id));
        assertThat(lines).allSatisfy(line -> assertThat(line.get("process_instance_id").asText()).isEqualTo(id));
        assertThat(lines).anySatisfy(line -> {
            assertThat(line.get("type").asText()).isEqualTo("activity_instance");
            assertThat(line.get("activity_id").asText()).isEqualTo(DrDrillProcess.Elements.TASK_VERIFY_BACKUP_DIGEST);
        });
        assertThat(lines).anySatisfy(line -> {
            assertThat(line.get("type").asText()).isEqualTo("variable_update");
            assertThat(line.get("variable_name").asText()).isEqualTo(DrDrillProcess.Variables.MANIFEST.name());
            assertThat(line.get("value").asText()).isEqualTo(ProcessTests.catalogName(bundle.manifestPath()));
        });
        assertThat(lines).anySatisfy(line -> assertThat(line.get("time").asText())
                .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));
        // and its last line binds the report, the events and the metrics by their digests
        JsonNode binding = lines.get(lines.size() - 1);
        assertThat(binding.get("type").asText()).isEqualTo("evidence");
        assertThat(binding.get("files")).extracting(f -> f.get("name").asText() + " " + f.get("sha256").asText())
                .containsExactly(
                        EvidencePaths.REPORT_FILE + " " + TestBundle.sha256(paths.report()),
                        EvidencePaths.EVENTS_FILE + " " + TestBundle.sha256(paths.events()),
                        EvidencePaths.METRICS_FILE + " " + TestBundle.sha256(paths.metrics()));
        // (the instance's end is among the last lines: lines are ordered by time, and the end event's activity may
        // end in the same millisecond, or the next, as the instance)
        assertThat(lines.subList(Math.max(0, lines.size() - 4), lines.size() - 1))
                .extracting(line -> line.get("type").asText() + " " + line.get("event_type").asText())
                .contains("process_instance end");
    }

    @Test
    void theLiveAuditLogWritesTheLinesAnExportOfTheFinishedDrillGivesBack() throws IOException {
        // Given a drill that ran on an engine whose live audit log is on
        TestBundle bundle = TestBundle.create(dir.resolve("bundle")).write();
        String id = headless.run(variables(bundle, EvidencePaths.in(dir.resolve("out")))).result()
                .processInstanceId();

        // When the finished drill is exported from the history tables
        List<Map<String, Object>> exported = history.of(id);

        // Then the daily log verifies, and its lines of this drill are the exported lines, field for field
        assertThat(auditLog.today().getFileName().toString())
                .matches("audit-\\d{4}-\\d\\d-\\d\\d-test-node\\.ndjson");
        assertThat(exported).hasSizeGreaterThan(20);
        assertThat(liveLines(id)).containsExactlyElementsOf(exported.stream().map(CanonicalJson::of).toList());
    }

    @Test
    void aReleaseSignOffsTaskIdentityLinksAndUserOperationsAreInTheLiveLogAsTheExportHasThem() throws IOException {
        // Given a release requested by one user whose approval task another user completes
        IdentityService identity = engine.getIdentityService();
        ReleaseRequests.approver(identity, "adam");
        TestBundle bundle = TestBundle.create(dir.resolve("bundle")).write();
        ProcessInstance release = ReleaseRequests.request(engine, bundle, "olivia");
        Task approval = engine.getTaskService().createTaskQuery().processInstanceId(release.getId()).singleResult();
        identity.setAuthentication("adam", List.of("release-approvers"));
        try {
            engine.getTaskService().claim(approval.getId(), "adam");
            engine.getTaskService().complete(approval.getId(),
                    Map.of(ReleaseSignoffProcess.Variables.DECISION.name(), "approve"));
        } finally {
            identity.clearAuthentication();
        }

        // When the release is exported
        List<Map<String, Object>> exported = history.of(release.getId());

        // Then it has the task's lines, its links and the approver's operations, and the live log has the same lines
        assertThat(exported).extracting(line -> line.get("type") + " " + line.get("event_type"))
                .contains("task create", "task end", "identity_link add", "user_operation Claim",
                        "user_operation Complete");
        assertThat(exported).anySatisfy(line -> {
            assertThat(line.get("type")).isEqualTo("task");
            assertThat(line.get("event_type")).isEqualTo("end");
            assertThat(line.get("assignee")).isEqualTo("adam");
            assertThat(line.get("name")).isEqualTo("Approve release shop 2.4.1");
        });
        assertThat(liveLines(release.getId())).containsExactlyElementsOf(
                exported.stream().map(CanonicalJson::of).toList());
    }

    @Test
    void workThatRollsBackLeavesNoLineInTheAuditLog() throws IOException {
        // Given the audit log as it stands
        Path log = auditLog.today();
        long before = Files.exists(log) ? Files.readAllLines(log).size() : 0;

        // When a drill is started inside a transaction that then fails
        var commands = ((org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl)
                engine.getProcessEngineConfiguration()).getCommandExecutorTxRequired();
        TestBundle bundle = TestBundle.create(dir.resolve("bundle")).write();
        assertThatThrownBy(() -> commands.execute(context -> {
            engine.getRuntimeService().startProcessInstanceByKey(DrDrillProcess.PROCESS_KEY,
                    variables(bundle, EvidencePaths.in(dir.resolve("out"))));
            throw new IllegalStateException("rolled back on purpose");
        })).hasMessageContaining("rolled back on purpose");

        // Then the log has no new line
        long after = Files.exists(log) ? Files.readAllLines(log).size() : 0;
        assertThat(after).isEqualTo(before);
    }

    /**
     * The live log verified, and its history lines of one instance without their chain fields, in the export's
     * order.
     */
    private List<String> liveLines(String processInstanceId) throws IOException {
        Path log = auditLog.today();
        assertThat(AuditChain.verify(log).broken()).isEmpty();
        List<Map<String, Object>> live = new ArrayList<>();
        for (JsonNode line : read(log)) {
            // (the lines binding a drill's evidence files are the live log's own: the history tables have no row)
            if (processInstanceId.equals(line.get("process_instance_id").asText())
                    && !"evidence".equals(line.get("type").asText())) {
                @SuppressWarnings("unchecked")
                Map<String, Object> fields = (Map<String, Object>) CanonicalJson.plain(line);
                fields.keySet().removeAll(List.of("seq", "prev_hash", "hash"));
                live.add(fields);
            }
        }
        live.sort(HistoryLines.ORDER);
        return live.stream().map(CanonicalJson::of).toList();
    }

    private static List<JsonNode> read(Path file) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            lines.add(JSON.readTree(line));
        }
        return lines;
    }

    private static Map<String, Object> variables(TestBundle bundle, EvidencePaths paths) {
        return ProcessTests.headlessVariables(bundle, paths);
    }
}
