package io.drdrill.process;

import io.drdrill.testsupport.DrillEngineTest;
import io.drdrill.testsupport.ProcessTests;
import io.drdrill.testsupport.ScratchDatabase;
import io.drdrill.testsupport.TestBundle;

import com.fasterxml.jackson.databind.JsonNode;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.context.TestPropertySource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.drdrill.process.DrDrillProcess.Variables.EVIDENCE_DIR;
import static io.drdrill.process.DrDrillProcess.Variables.MANIFEST;
import static io.drdrill.process.DrDrillProcess.Variables.REPORT_PATH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.runtimeService;

/**
 * The PostgreSQL sample bundle ({@code data/dr/postgres/}) end to end on the engine and the local PostgreSQL: its
 * recall script restores the pg_dump into a scratch database, its checks query the restored tables, and a table
 * dropped after the restore fails the drill at the check that reads it. Each run copies the bundle and names the
 * scratch database uniquely (the recall script takes it from the restore folder's name), and drops it afterwards.
 */
@DrillEngineTest
@TestPropertySource(properties = "drdrill.trusted-caller=true")
class PostgresSampleDrillTest {

    private static final Path SAMPLE = Path.of("data/dr/postgres").toAbsolutePath();
    private static final String SAMPLE_DATABASE = "drdrill_orders_restored";
    private static final String PASSWORD = "Never-Shown-7f3a";

    @TempDir
    Path dir;

    private ScratchDatabase database;
    private Path bundle;

    @BeforeEach
    void copyTheSample() throws IOException {
        database = ScratchDatabase.named("drdrill_orders");
        bundle = dir.resolve("postgres");
        Files.createDirectories(bundle);
        try (Stream<Path> files = Files.list(SAMPLE)) {
            for (Path file : files.toList()) {
                Files.copy(file, bundle.resolve(file.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        Path manifest = bundle.resolve("manifest.json");
        Files.writeString(manifest, Files.readString(manifest)
                .replace("../../../artifacts/dr/postgres/" + SAMPLE_DATABASE, "restored/" + database.name())
                .replace("/" + SAMPLE_DATABASE + "\"", "/" + database.name() + "\""));
    }

    @AfterEach
    void dropTheScratchDatabase() throws Exception {
        database.close();
    }

    @Test
    void theSampleRestoresItsDumpIntoAScratchDatabaseAndPassesEveryCheck() throws Exception {
        // Given the sample bundle, restoring into a database of this test's own

        // When its drill runs
        ProcessInstance drill = start();
        ProcessTests.runJobs(drill);

        // Then it passed; the restored database holds the sample's rows
        JsonNode report = report();
        assertThat(report.path("status").asText()).as(report.toString()).isEqualTo("passed");
        assertThat(count("SELECT count(*) FROM orders")).isEqualTo(5);
        // and each check is a fact of validate_restored_backup and an event line of its own, in order
        JsonNode checks = report.path("notes").path("post_restore_checks");
        assertThat(checks.findValuesAsText("name"))
                .containsExactly("db-port", "customers-restored", "orders-present", "orders-have-customers");
        assertThat(checks.findValuesAsText("status")).containsOnly("passed");
        assertThat(checks.findValues("duration_seconds")).allSatisfy(d -> assertThat(d.isNumber()).isTrue());
        List<JsonNode> checkEvents = events().stream().filter(e -> e.has("check")).toList();
        assertThat(checkEvents).extracting(e -> e.path("step").asText() + " " + e.path("check").asText() + " "
                + e.path("check_type").asText() + " " + e.path("status").asText()).containsExactly(
                "validate_restored_backup db-port tcp success",
                "validate_restored_backup customers-restored postgres success",
                "validate_restored_backup orders-present postgres success",
                "validate_restored_backup orders-have-customers postgres success");
        assertThat(checkEvents.get(1).path("notes").asText()).isEqualTo("value '3' as expected");
        assertThat(report.path("notes").path("steps_passed").asInt()).isEqualTo(7);
    }

    @Test
    void aTableDroppedAfterTheRestoreFailsTheDrillAtTheCheckThatReadsItAndNoPasswordIsRecorded() throws Exception {
        // Given a recall script that drops the orders table once the restore is done, and checks that read the
        // password from a private file
        Path script = bundle.resolve("recall.sh");
        Files.writeString(script, Files.readString(script).replace("echo \"restore complete\"",
                "psql -X -q -h 127.0.0.1 -U postgres -d \"$db\" -c 'DROP TABLE orders'\necho \"restore complete\""));
        Path secret = bundle.resolve("pg.pass");
        Files.writeString(secret, PASSWORD + "\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Path manifest = bundle.resolve("manifest.json");
        Files.writeString(manifest, Files.readString(manifest)
                .replace("\"password_env\": \"DRDRILL_SAMPLE_PGPASSWORD\"", "\"password_file\": \"pg.pass\""));

        // When its drill runs
        ProcessInstance drill = start();
        ProcessTests.runJobs(drill);

        // Then it failed at validate_restored_backup, naming the check; the checks after it were skipped
        JsonNode report = report();
        assertThat(report.path("status").asText()).isEqualTo("failed");
        assertThat(report.path("failed_stage").asText()).isEqualTo("validate_restored_backup");
        assertThat(report.path("error").path("message").asText())
                .startsWith("post-restore check 'orders-present' (postgres) failed: ERROR: relation \"orders\" "
                        + "does not exist");
        assertThat(events()).filteredOn(e -> e.has("check")).extracting(e -> e.path("check").asText() + " "
                + e.path("status").asText()).containsExactly("db-port success", "customers-restored success",
                "orders-present failure", "orders-have-customers skipped");
        // and the password is in no evidence file and no process variable
        try (Stream<Path> files = Files.walk(dir.resolve("evidence"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(file, StandardCharsets.ISO_8859_1)).as(file.toString())
                        .doesNotContain(PASSWORD);
            }
        }
        assertThat(org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.historyService()
                .createHistoricVariableInstanceQuery().processInstanceId(drill.getId()).list())
                .allSatisfy(v -> assertThat(String.valueOf(v.getValue())).doesNotContain(PASSWORD));
    }

    private ProcessInstance start() {
        Map<String, Object> variables = new HashMap<>();
        variables.put(MANIFEST.name(), ProcessTests.catalogName(bundle.resolve("manifest.json")));
        variables.put(REPORT_PATH.name(), dir.resolve("evidence/dr-report.json").toString());
        variables.put(EVIDENCE_DIR.name(), dir.resolve("evidence").toString());
        variables.put(DrDrillProcess.Variables.CURRENT_TIME.name(), "2026-12-02T03:00:00Z");
        return runtimeService().startProcessInstanceByKey(DrDrillProcess.PROCESS_KEY, variables);
    }

    private long count(String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection(database.url(), ScratchDatabase.USER, "");
             ResultSet result = connection.createStatement().executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }

    private JsonNode report() throws IOException {
        return TestBundle.JSON.readTree(dir.resolve("evidence/dr-report.json").toFile());
    }

    private List<JsonNode> events() throws IOException {
        return Files.readAllLines(dir.resolve("evidence/dr-events.ndjson")).stream().filter(l -> !l.isBlank())
                .map(line -> {
                    try {
                        return TestBundle.JSON.readTree(line);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }).toList();
    }
}
