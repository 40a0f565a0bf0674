package io.drdrill.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import io.drdrill.DrDrillApplication;
import io.drdrill.process.DrillLogContext;
import io.drdrill.server.IdentityBootstrap;
import io.drdrill.testsupport.HttpCalls;
import io.drdrill.testsupport.TestBundle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Health, metrics and structured logs of {@code dr-drill serve} as Prometheus, a load balancer and a log
 * shipper meet them: the server on a random port over an H2 file database, restarted once on the same file.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(OutputCaptureExtension.class)
class HealthAndMetricsIT {

    private static final String ADMIN_PASSWORD = "metrics-it-only-8d1e4f2a";
    private static final String GOOD = "good/manifest.json";
    private static final String TAMPERED = "tampered/manifest.json";
    private static final String LOGGED = "logged/manifest.json";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static Path root;
    private static ConfigurableApplicationContext server;
    private static String operator;
    private static String auditor;
    private static String approver;

    @BeforeAll
    static void startTheServerAndRunAFailedAndAPassedDrill() throws Exception {
        root = Files.createTempDirectory("dr-drill-metrics-it");
        Path catalog = root.resolve("catalog");
        TestBundle.create(catalog.resolve("good")).withPolicies(60.0, 600.0).write();
        TestBundle.create(catalog.resolve("logged")).write();
        TestBundle tampered = TestBundle.create(catalog.resolve("tampered")).write();
        Files.writeString(tampered.backupPath(), Files.readString(tampered.backupPath()).replace("ready", "ready "));
        server = start();
        operator = user("oona", IdentityBootstrap.OPERATORS);
        auditor = user("audra", IdentityBootstrap.AUDITORS);
        approver = user("april", IdentityBootstrap.APPROVERS);
        awaitStatus(startDrill(TAMPERED), "failed");
        awaitStatus(startDrill(GOOD), "passed");
    }

    @AfterAll
    static void stopTheServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(1)
    void healthWithoutCredentialsShowsOnlyTheOverallStatus() throws Exception {
        // Given no credentials
        // When the health, liveness and readiness are asked for
        HttpResponse<String> health = get("/actuator/health", null);
        HttpResponse<String> liveness = get("/actuator/health/liveness", null);
        HttpResponse<String> readiness = get("/actuator/health/readiness", null);

        // Then each answers UP, without components or details (the root names its probe groups)
        for (HttpResponse<String> response : java.util.List.of(health, liveness, readiness)) {
            assertThat(response.statusCode()).as(response.uri().toString()).isEqualTo(200);
            JsonNode json = json(response);
            assertThat(json.path("status").asText()).isEqualTo("UP");
            assertThat(json.has("components")).as(response.body()).isFalse();
            assertThat(json.has("details")).as(response.body()).isFalse();
        }
        assertThat(liveness.body()).isEqualTo("{\"status\":\"UP\"}");
    }

    @Test
    @Order(2)
    void anOperatorSeesTheHealthOfTheEngineDatabaseCatalogAndEvidence() throws Exception {
        // Given an operator's credentials
        // When the health is asked for
        JsonNode health = json(get("/actuator/health", operator));
        JsonNode readiness = json(get("/actuator/health/readiness", operator));

        // Then every contributor shows, with its details
        JsonNode components = health.path("components");
        for (String component : new String[]{"engine", "db", "catalog", "evidence"}) {
            assertThat(components.path(component).path("status").asText()).as(component).isEqualTo("UP");
        }
        assertThat(components.path("catalog").path("details").path("manifests").asInt()).isEqualTo(3);
        assertThat(components.path("evidence").path("details").path("path").asText())
                .isEqualTo(root.resolve("evidence").toString());
        assertThat(readiness.path("components").has("catalog")).isTrue();
    }

    @Test
    @Order(3)
    void theMetricsAndTheOtherActuatorEndpointsNeedCredentialsAndAReadersGroup() throws Exception {
        // Given no credentials, an unknown user, an approver (no reader group) and an auditor
        // When each asks for the metrics
        // Then only the auditor is answered; the rest of the actuator is not exposed
        assertThat(get("/actuator/prometheus", null).statusCode()).isEqualTo(401);
        assertThat(get("/actuator/prometheus", "mallory:guess").statusCode()).isEqualTo(401);
        assertThat(get("/actuator/health", "mallory:guess").statusCode()).isEqualTo(401);
        assertThat(get("/actuator/prometheus", approver).statusCode()).isEqualTo(403);
        assertThat(get("/actuator/prometheus", auditor).statusCode()).isEqualTo(200);
        assertThat(get("/actuator", null).statusCode()).isEqualTo(401);
        assertThat(get("/actuator/env", "admin:" + ADMIN_PASSWORD).statusCode()).isEqualTo(404);
        assertThat(get("/actuator/beans", "admin:" + ADMIN_PASSWORD).statusCode()).isEqualTo(404);
    }

    @Test
    @Order(4)
    void afterAFailedAndAPassedDrillTheMetricsShowEachOutcomeAndTheFigures() throws Exception {
        // Given the failed drill of the tampered bundle and the passed drill of the good one (before all)
        // When Prometheus scrapes
        String metrics = awaitMetrics(m -> value(m, "drdrill_drills_total", Map.of("manifest", GOOD)).isPresent()
                && value(m, "drdrill_drills_total", Map.of("manifest", TAMPERED)).isPresent());

        // Then the counter, the gauges and the histogram carry the drills' labels and values
        assertMetricsOfTheTwoDrills(metrics);
        assertThat(value(metrics, "drdrill_step_duration_seconds_count", Map.of("step", "verify_backup_digest")))
                .hasValue(2.0);
        assertThat(value(metrics, "drdrill_step_duration_seconds_count", Map.of("step", "enforce_policies")))
                .hasValue(1.0);
        assertThat(metrics).contains("drdrill_step_duration_seconds_bucket{");
        assertThat(value(metrics, "drdrill_open_reviews", Map.of())).hasValue(1.0);
        assertThat(value(metrics, "drdrill_open_approvals", Map.of())).hasValue(0.0);
        assertThat(value(metrics, "drdrill_incidents", Map.of())).hasValue(0.0);
    }

    @Test
    @Order(5)
    void aLogLineAboutADrillIsJsonAndCarriesItsRunIdAndManifest(CapturedOutput output) throws Exception {
        // Given a drill started while the output is captured
        String id = startDrill(LOGGED);
        awaitStatus(id, "passed");
        String runId = variable(id, "runId").orElseThrow();

        // When its log lines are looked for
        String line = output.getOut().lines().filter(l -> l.contains("drill step verify_backup_digest passed")
                && l.contains(runId)).findFirst().orElse(null);

        // Then the line is a JSON object with the run id and the manifest
        assertThat(line).as(output.getOut()).isNotNull();
        JsonNode json = TestBundle.JSON.readTree(line);
        assertThat(field(json, DrillLogContext.RUN_ID_KEY)).isEqualTo(runId);
        assertThat(field(json, DrillLogContext.MANIFEST_KEY)).isEqualTo(LOGGED);
        assertThat(json.path("log.level").asText(json.path("log").path("level").asText())).isEqualTo("INFO");
    }

    @Test
    @Order(6)
    void theMetricsComeBackFromTheHistoryAfterARestart() throws Exception {
        // Given the server has been restarted on the same database file
        server.close();
        server = start();

        // When Prometheus scrapes the new server
        String metrics = awaitMetrics(m -> value(m, "drdrill_drills_total", Map.of("manifest", GOOD)).isPresent());

        // Then the drills before the restart are counted and measured as before
        assertMetricsOfTheTwoDrills(metrics);
        assertThat(value(metrics, "drdrill_drills_total", Map.of("manifest", LOGGED, "outcome", "passed")))
                .hasValue(1.0);
        assertThat(value(metrics, "drdrill_step_duration_seconds_count", Map.of("step", "verify_backup_digest")))
                .hasValue(3.0);
        assertThat(value(metrics, "drdrill_open_reviews", Map.of())).hasValue(1.0);
    }

    private static void assertMetricsOfTheTwoDrills(String metrics) {
        assertThat(value(metrics, "drdrill_drills_total", Map.of("manifest", TAMPERED, "outcome", "failed",
                "failed_stage", "verify_backup_digest"))).hasValue(1.0);
        assertThat(value(metrics, "drdrill_drills_total", Map.of("manifest", GOOD, "outcome", "passed",
                "failed_stage", DrillHistory.NO_STAGE))).hasValue(1.0);
        assertThat(value(metrics, "drdrill_rto_limit_seconds", Map.of("manifest", GOOD))).hasValue(600.0);
        assertThat(value(metrics, "drdrill_rpo_limit_minutes", Map.of("manifest", GOOD))).hasValue(60.0);
        assertThat(value(metrics, "drdrill_last_rto_seconds", Map.of("manifest", GOOD)))
                .hasValueSatisfying(rto -> assertThat(rto).isBetween(0.0, 600.0));
        assertThat(value(metrics, "drdrill_last_rpo_minutes", Map.of("manifest", GOOD)))
                .hasValueSatisfying(rpo -> assertThat(rpo).isBetween(0.0, 60.0));
        assertThat(value(metrics, "drdrill_last_success_timestamp_seconds", Map.of("manifest", GOOD)))
                .hasValueSatisfying(at -> assertThat(at).isGreaterThan(Instant.parse("2026-01-01T00:00:00Z")
                        .getEpochSecond()));
        assertThat(value(metrics, "drdrill_last_success_timestamp_seconds", Map.of("manifest", TAMPERED)))
                .hasValueSatisfying(at -> assertThat(at).isNaN());
    }

    private static ConfigurableApplicationContext start() {
        // as command-line settings, like `dr-drill serve --name=value`: they override application-serve.properties
        return new SpringApplicationBuilder(DrDrillApplication.class).web(WebApplicationType.SERVLET)
                .profiles("serve").run("--server.port=0", "--camunda.bpm.admin-user.id=admin",
                        "--camunda.bpm.admin-user.password=" + ADMIN_PASSWORD,
                        "--drdrill.manifests-dir=" + root.resolve("catalog"),
                        "--drdrill.evidence-dir=" + root.resolve("evidence"),
                        "--drdrill.data-dir=" + root.resolve("var"),
                        "--drdrill.metrics.cache=PT0.2S");
    }

    private static int port() {
        return ((WebServerApplicationContext) server).getWebServer().getPort();
    }

    /** The value of the one sample of {@code name} whose labels include {@code labels}. */
    static Optional<Double> value(String metrics, String name, Map<String, String> labels) {
        Pattern sample = Pattern.compile("^" + Pattern.quote(name) + "(\\{(.*)})? (\\S+)$", Pattern.MULTILINE);
        Matcher m = sample.matcher(metrics);
        while (m.find()) {
            String found = m.group(2) == null ? "" : m.group(2);
            if (labels.entrySet().stream().allMatch(l -> found.contains(l.getKey() + "=\"" + l.getValue() + "\""))) {
                return Optional.of(Double.parseDouble(m.group(3)));
            }
        }
        return Optional.empty();
    }

    private static String awaitMetrics(Predicate<String> ready) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        String metrics = "";
        while (Instant.now().isBefore(deadline)) {
            HttpResponse<String> response = get("/actuator/prometheus", operator);
            assertThat(response.statusCode()).isEqualTo(200);
            metrics = response.body();
            if (ready.test(metrics)) {
                return metrics;
            }
            Thread.sleep(300);
        }
        throw new AssertionError("the metrics did not show in time:\n" + metrics);
    }

    private static String field(JsonNode json, String dotted) {
        if (json.has(dotted)) {
            return json.path(dotted).asText();
        }
        JsonNode node = json;
        for (String part : dotted.split("\\.")) {
            node = node.path(part);
        }
        return node.asText(null);
    }

    private static String startDrill(String manifest) throws Exception {
        HttpResponse<String> started = rest("POST", "/process-definition/key/dr-drill/start", operator,
                "{\"variables\":{\"manifest\":{\"value\":\"" + manifest + "\"}}}");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
        return json(started).path("id").asText();
    }

    private static void awaitStatus(String processInstanceId, String status) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            Optional<String> value = variable(processInstanceId, "drillStatus");
            if (value.isPresent()) {
                assertThat(value).hasValue(status);
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("drill " + processInstanceId + " did not end");
    }

    private static Optional<String> variable(String processInstanceId, String name) throws Exception {
        JsonNode found = json(rest("GET", "/history/variable-instance?processInstanceIdIn=" + processInstanceId
                + "&variableName=" + name, "admin:" + ADMIN_PASSWORD, null));
        for (JsonNode variable : found) {
            if (!variable.path("value").isNull() && !variable.path("value").isMissingNode()) {
                return Optional.of(variable.path("value").asText());
            }
        }
        return Optional.empty();
    }

    private static String user(String id, String group) throws Exception {
        String password = "pw-" + UUID.randomUUID();
        String body = "{\"profile\":{\"id\":\"" + id + "\",\"firstName\":\"" + id + "\",\"lastName\":\"Test\"},"
                + "\"credentials\":{\"password\":\"" + password + "\"}}";
        String admin = "admin:" + ADMIN_PASSWORD;
        assertThat(rest("POST", "/user/create", admin, body).statusCode()).isEqualTo(204);
        assertThat(rest("PUT", "/group/" + group + "/members/" + id, admin, null).statusCode()).isEqualTo(204);
        return id + ":" + password;
    }

    private static HttpResponse<String> get(String path, String credentials) throws Exception {
        return send("GET", path, credentials, null);
    }

    private static HttpResponse<String> rest(String method, String path, String credentials, String body)
            throws Exception {
        return send(method, "/engine-rest" + path, credentials, body);
    }

    private static HttpResponse<String> send(String method, String path, String credentials, String body)
            throws Exception {
        return HttpCalls.send(HTTP, "http://127.0.0.1:" + port() + path, method, credentials, body);
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return HttpCalls.json(response);
    }
}
