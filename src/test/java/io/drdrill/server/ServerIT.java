package io.drdrill.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.drdrill.DrDrillApplication;
import io.drdrill.testsupport.HttpCalls;
import io.drdrill.testsupport.TestBundle;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The server as operators and scripts meet it: authenticated REST, groups, the catalog, four-eyes. */
@SpringBootTest(classes = DrDrillApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"camunda.bpm.admin-user.id=admin", "camunda.bpm.admin-user.password=" + ServerIT.ADMIN_PASSWORD})
@ActiveProfiles("serve")
class ServerIT {

    static final String ADMIN_PASSWORD = "server-it-only-5f0c2b9e";
    private static Path root;

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void server(DynamicPropertyRegistry registry) throws IOException {
        root = Files.createTempDirectory("dr-drill-server-it");
        Path catalog = root.resolve("catalog");
        TestBundle.create(catalog.resolve("good")).withPolicies(60.0, 600.0).write();
        TestBundle tampered = TestBundle.create(catalog.resolve("tampered")).write();
        Files.writeString(tampered.backupPath(), Files.readString(tampered.backupPath()).replace("ready", "ready "));
        Files.createSymbolicLink(catalog.resolve("escape.json"), Path.of("/etc/hostname"));
        registry.add("drdrill.manifests-dir", catalog::toString);
        registry.add("drdrill.evidence-dir", () -> root.resolve("evidence").toString());
        registry.add("drdrill.data-dir", () -> root.resolve("var").toString());
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:server-it;DB_CLOSE_DELAY=-1");
    }

    @Test
    void noPasswordIsGeneratedWhenTheAdministratorIsConfigured() {
        assertThat(root.resolve("var").resolve(AdminBootstrap.CREDENTIALS_FILE)).doesNotExist();
    }

    @Test
    void theRestApiRefusesCallsWithoutCredentials() throws Exception {
        HttpResponse<String> anonymous = send("POST", "/process-definition/key/dr-drill/start", null,
                startBody("good/manifest.json"));
        HttpResponse<String> wrongPassword = send("GET", "/process-definition", "mallory:guess", null);

        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(wrongPassword.statusCode()).isEqualTo(401);
    }

    @Test
    void anOperatorStartsADrillOverRestAndItsEvidenceGoesToItsOwnFolder() throws Exception {
        // Given an operator
        String operator = user("oscar", IdentityBootstrap.OPERATORS);

        // When the operator starts a drill on a catalog manifest
        HttpResponse<String> started = send("POST", "/process-definition/key/dr-drill/start", operator,
                startBody("good/manifest.json"));

        // Then it runs on the server and passes, with evidence in <evidence-dir>/<run_id>/
        assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
        String id = json(started).path("id").asText();
        assertThat(awaitVariable(id, "drillStatus")).isEqualTo("passed");
        String runId = variable(id, "runId");
        assertThat(root.resolve("evidence").resolve(runId).resolve("dr-report.json")).exists();
    }

    @Test
    void manifestsOutsideTheCatalogAreRefusedBeforeAnythingRuns() throws Exception {
        String operator = user("olga", IdentityBootstrap.OPERATORS);
        long before = instances();

        for (String name : new String[]{"../../etc/passwd", "/etc/passwd", "escape.json"}) {
            HttpResponse<String> refused = send("POST", "/process-definition/key/dr-drill/start", operator,
                    startBody(name));
            assertThat(refused.statusCode()).as(name).isEqualTo(403);
            assertThat(json(refused).path("message").asText()).as(name).contains("refused");
        }
        assertThat(instances()).isEqualTo(before);
    }

    @Test
    void callersCannotChooseEvidencePathsOrTheClock() throws Exception {
        String operator = user("otto", IdentityBootstrap.OPERATORS);
        String body = "{\"variables\":{\"manifest\":{\"value\":\"good/manifest.json\"},"
                + "\"currentTime\":{\"value\":\"2026-01-01T00:00:00Z\"}}}";

        HttpResponse<String> refused = send("POST", "/process-definition/key/dr-drill/start", operator, body);

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(json(refused).path("message").asText()).contains("currentTime");
    }

    @Test
    void callersCannotClaimTheSchedulerStartedTheirDrill() throws Exception {
        // Given an operator
        String operator = user("sally", IdentityBootstrap.OPERATORS);
        String body = "{\"variables\":{\"manifest\":{\"value\":\"good/manifest.json\"},"
                + "\"startedBy\":{\"value\":\"scheduler\"}},\"businessKey\":\"good/manifest.json\"}";

        // When the operator starts a drill saying the scheduler started it
        HttpResponse<String> refused = send("POST", "/process-definition/key/dr-drill/start", operator, body);

        // Then it is refused with the reason: a forged scheduled start would make the scheduler skip a slot
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(json(refused).path("message").asText()).contains("startedBy");
    }

    @Test
    void operatorsCannotStartADrillPastItsStepsOrWithoutItsListeners() throws Exception {
        String operator = user("odile", IdentityBootstrap.OPERATORS);
        String[] bodies = {
                "{\"variables\":{\"manifest\":{\"value\":\"good/manifest.json\"}},"
                        + "\"startInstructions\":[{\"type\":\"startBeforeActivity\",\"activityId\":\"EndEvent_DrillPassed\"}]}",
                "{\"variables\":{\"manifest\":{\"value\":\"good/manifest.json\"}},\"skipCustomListeners\":true}",
                "{\"variables\":{\"manifest\":{\"value\":\"good/manifest.json\"},"
                        + "\"drillStartChecked\":{\"value\":true}}}"};
        long before = instances();

        for (String body : bodies) {
            HttpResponse<String> refused = send("POST", "/process-definition/key/dr-drill/start", operator, body);
            assertThat(refused.statusCode()).as(body).isEqualTo(403);
        }
        assertThat(instances()).isEqualTo(before);
    }

    @Test
    void onlyOperatorsStartDrills() throws Exception {
        String approver = user("amy", IdentityBootstrap.APPROVERS);
        String auditor = user("aude", IdentityBootstrap.AUDITORS);

        assertThat(send("POST", "/process-definition/key/dr-drill/start", approver,
                startBody("good/manifest.json")).statusCode()).isEqualTo(403);
        assertThat(send("POST", "/process-definition/key/dr-drill/start", auditor,
                startBody("good/manifest.json")).statusCode()).isEqualTo(403);
        assertThat(send("GET", "/history/process-instance?processDefinitionKey=dr-drill", auditor, null)
                .statusCode()).isEqualTo(200);
    }

    @Test
    void aFailedDrillWaitsForAnOperatorsReviewWithItsFailedStageAndMessage() throws Exception {
        String operator = user("omar", IdentityBootstrap.OPERATORS);

        HttpResponse<String> started = send("POST", "/process-definition/key/dr-drill/start", operator,
                startBody("tampered/manifest.json"));

        String id = json(started).path("id").asText();
        assertThat(awaitVariable(id, "drillStatus")).isEqualTo("failed");
        JsonNode task = awaitTask(id, operator);
        assertThat(task.path("taskDefinitionKey").asText()).isEqualTo("Task_ReviewDrillFailure");
        assertThat(variable(id, "failedStage")).isEqualTo("verify_backup_digest");
        assertThat(variable(id, "errorMessage")).contains("digest mismatch");
        String runId = variable(id, "runId");
        assertThat(task.path("name").asText()).isEqualTo("Review failed drill: tampered/manifest.json (" + runId + ")");

        // When the operator completes the review without the acknowledgement, then with it
        String complete = "/task/" + task.path("id").asText() + "/complete";
        HttpResponse<String> unacknowledged = send("POST", complete, operator,
                "{\"variables\":{\"reviewNote\":{\"value\":\"seen\"}}}");
        HttpResponse<String> acknowledged = send("POST", complete, operator,
                "{\"variables\":{\"acknowledged\":{\"value\":true},\"reviewNote\":{\"value\":\"INC-1\"}}}");

        // Then the first is a one-line 400, the second ends the drill with review.json beside its report
        assertThat(unacknowledged.statusCode()).isEqualTo(400);
        assertThat(json(unacknowledged).path("message").asText()).startsWith("tick 'I have read the failure")
                .doesNotContain("ENGINE-").doesNotContain("\n");
        assertThat(acknowledged.statusCode()).as(acknowledged.body()).isEqualTo(204);
        JsonNode review = TestBundle.JSON.readTree(root.resolve("evidence").resolve(runId).resolve("review.json").toFile());
        assertThat(review.path("reviewer").asText()).isEqualTo("omar");
        assertThat(review.path("note").asText()).isEqualTo("INC-1");
    }

    @Test
    void theRequesterCannotApproveTheirOwnReleaseButASecondApproverCan() throws Exception {
        // Given an operator who is also an approver, and another approver
        String requester = user("rita", IdentityBootstrap.OPERATORS, IdentityBootstrap.APPROVERS);
        String approver = user("arno", IdentityBootstrap.APPROVERS);

        // When the requester starts a release on a good bundle
        HttpResponse<String> unnamed = send("POST", "/process-definition/key/release-signoff/start", requester,
                startBody("good/manifest.json"));
        HttpResponse<String> started = send("POST", "/process-definition/key/release-signoff/start", requester,
                "{\"variables\":{\"manifest\":{\"value\":\"good/manifest.json\"},"
                        + "\"releaseName\":{\"value\":\"shop\"},\"releaseVersion\":{\"value\":\"2.4.1\"}}}");
        assertThat(unnamed.statusCode()).isEqualTo(400);
        assertThat(json(unnamed).path("message").asText())
                .isEqualTo("releaseName is required: name the release and its version");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
        String id = json(started).path("id").asText();
        JsonNode task = awaitTask(id, approver);
        String complete = "/task/" + task.path("id").asText() + "/complete";
        String approve = "{\"variables\":{\"decision\":{\"value\":\"approve\"}}}";

        // Then the requester's approval is refused by the engine, and the second approver's is accepted
        HttpResponse<String> own = send("POST", complete, requester, approve);
        assertThat(own.statusCode()).isEqualTo(403);
        assertThat(json(own).path("message").asText()).isEqualTo("four-eyes rule: "
                + requester.substring(0, requester.indexOf(':')) + " requested this release and cannot approve or reject it");
        assertThat(task.path("name").asText()).isEqualTo("Approve release shop 2.4.1");
        assertThat(send("POST", complete, approver, approve).statusCode()).isEqualTo(204);
        assertThat(awaitVariable(id, "releaseStatus")).isEqualTo("released");
        assertThat(variable(id, "approver")).isEqualTo("arno");
    }

    @Test
    void aRestoreWorkerMayReachTheRestoreTasksAndNothingElse() throws Exception {
        // Given a user of the dr-workers group
        String worker = user("wanda", IdentityBootstrap.WORKERS);

        // When it counts and fetches restore tasks, and tries to start a drill, read drills and set a variable
        HttpResponse<String> count = send("GET", "/external-task/count?topicName=dr-restore", worker, null);
        HttpResponse<String> fetch = send("POST", "/external-task/fetchAndLock", worker,
                "{\"workerId\":\"wanda\",\"maxTasks\":1,\"topics\":[{\"topicName\":\"nothing-here\","
                        + "\"lockDuration\":1000}]}");
        HttpResponse<String> start = send("POST", "/process-definition/key/dr-drill/start", worker,
                startBody("good/manifest.json"));
        HttpResponse<String> instances = send("GET", "/process-instance", worker, null);
        HttpResponse<String> history = send("GET", "/history/process-instance", worker, null);
        HttpResponse<String> setVariable = send("PUT", "/process-instance/x/variables/drillStatus", worker,
                "{\"value\":\"passed\"}");
        String task = "/external-task/" + UUID.randomUUID();
        HttpResponse<String> forgedVerdict = send("POST", task + "/complete", worker,
                "{\"workerId\":\"wanda\",\"variables\":{\"drillStatus\":{\"value\":\"passed\"}}}");
        HttpResponse<String> forgedEvidence = send("POST", task + "/complete", worker,
                "{\"workerId\":\"wanda\",\"variables\":{\"evidenceDir\":{\"value\":\"/etc\"}}}");
        HttpResponse<String> otherError = send("POST", task + "/bpmnError", worker,
                "{\"workerId\":\"wanda\",\"errorCode\":\"InvalidManifest\"}");
        HttpResponse<String> report = send("POST", task + "/complete", worker,
                "{\"workerId\":\"wanda\",\"variables\":{\"rtoSeconds\":{\"value\":1.0}}}");

        // Then only the restore task calls are answered; everything else is refused with 403
        assertThat(count.statusCode()).as(count.body()).isEqualTo(200);
        assertThat(fetch.statusCode()).as(fetch.body()).isEqualTo(200);
        assertThat(List.of(start, instances, history, setVariable)).allSatisfy(refused -> {
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
            assertThat(refused.body()).contains("dr-workers user may only fetch");
        });
        // ... and a report may set the restore's own variables only, and end a drill with DrDrillError only
        assertThat(List.of(forgedVerdict, forgedEvidence, otherError)).allSatisfy(refused -> {
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
            assertThat(refused.body()).contains("a restore worker's report may not");
        });
        assertThat(report.statusCode()).as("a report of a task that does not exist reaches the engine")
                .isNotEqualTo(403);
    }

    private String user(String id, String... groups) throws Exception {
        return HttpCalls.createUser(http, "http://127.0.0.1:" + port + "/engine-rest", admin(), id,
                "pw-" + UUID.randomUUID(), groups);
    }

    private long instances() throws Exception {
        return json(send("GET", "/history/process-instance/count", admin(), null)).path("count").asLong();
    }

    private String awaitVariable(String processInstanceId, String name) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            String value = variable(processInstanceId, name);
            if (value != null) {
                return value;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(name + " was not set on " + processInstanceId);
    }

    private JsonNode awaitTask(String processInstanceId, String user) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            JsonNode tasks = json(send("GET", "/task?processInstanceId=" + processInstanceId, admin(), null));
            if (tasks.isArray() && !tasks.isEmpty()) {
                return tasks.get(0);
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no task for " + processInstanceId + " (" + user + ")");
    }

    private String variable(String processInstanceId, String name) throws Exception {
        JsonNode found = json(send("GET", "/history/variable-instance?processInstanceIdIn=" + processInstanceId
                + "&variableName=" + name, admin(), null));
        return Stream.of(found).filter(JsonNode::isArray).flatMap(a -> java.util.stream.StreamSupport.stream(
                a.spliterator(), false)).map(v -> v.path("value")).filter(v -> !v.isNull() && !v.isMissingNode())
                .map(JsonNode::asText).findFirst().orElse(null);
    }

    private static String admin() {
        return "admin:" + ADMIN_PASSWORD;
    }

    private static String startBody(String manifest) {
        return "{\"variables\":{\"manifest\":{\"value\":\"" + manifest + "\"}}}";
    }

    private HttpResponse<String> send(String method, String path, String credentials, String body) throws Exception {
        return HttpCalls.send(http, "http://127.0.0.1:" + port + "/engine-rest" + path, method, credentials, body);
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return HttpCalls.json(response);
    }
}
