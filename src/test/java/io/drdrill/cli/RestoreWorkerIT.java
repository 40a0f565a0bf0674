package io.drdrill.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.drdrill.testsupport.HttpCalls;
import io.drdrill.testsupport.TestBundle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Restores at the recovery site as real processes: a server JVM ({@code dr-drill serve} from the packaged jar, on a
 * PostgreSQL database of its own at 127.0.0.1:5432, without its in-process worker) and worker JVMs
 * ({@code dr-drill worker}) that fetch the restore tasks over REST as a {@code dr-workers} user.
 */
class RestoreWorkerIT {

    private static final Path JAR = Path.of("target", "dr-drill.jar").toAbsolutePath();
    private static final String ADMIN_PASSWORD = "restore-worker-it-" + UUID.randomUUID();
    private static final String DATABASE = "drdrill_worker_it_" + UUID.randomUUID().toString().replace("-", "");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final List<Process> STARTED = new ArrayList<>();
    private static final List<Process> WORKERS = new ArrayList<>();

    private static Path root;
    private static Path catalog;
    private static Path passwordFile;
    private static String workerCredentials;
    private static int port;
    private static Process server;

    @BeforeAll
    static void serverOnItsOwnDatabase() throws Exception {
        root = Files.createTempDirectory("dr-drill-worker-it").toRealPath();
        catalog = root.resolve("catalog");
        TestBundle.create(catalog.resolve("good")).withPolicies(60.0, 600.0).write();
        slowBundle("slow", 6);
        slowBundle("slow-term", 30);
        slowBundle("slow-server", 12);
        TestBundle.create(catalog.resolve("at-dc-b")).withCopyBackup(false)
                .withScript("#!/bin/sh\nset -eu\necho \"recalled at dc-b\"\ncp \"$1\" \"$4/\"\n")
                .withManifestTweak(manifest -> ((com.fasterxml.jackson.databind.node.ObjectNode) manifest.get("restore"))
                        .put("site", "dc-b")).write();
        try (Connection postgres = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "");
             Statement sql = postgres.createStatement()) {
            sql.execute("CREATE DATABASE " + DATABASE);
        }
        port = freePort();
        server = startServer("server.log");
        awaitUp();
        String password = "pw-" + UUID.randomUUID();
        String body = "{\"profile\":{\"id\":\"site-worker\",\"firstName\":\"Site\",\"lastName\":\"Worker\"},"
                + "\"credentials\":{\"password\":\"" + password + "\"}}";
        assertThat(rest("POST", "/user/create", admin(), body).statusCode()).isEqualTo(204);
        assertThat(rest("PUT", "/group/dr-workers/members/site-worker", admin(), null).statusCode()).isEqualTo(204);
        workerCredentials = "site-worker:" + password;
        passwordFile = root.resolve("worker.password");
        Files.writeString(passwordFile, password + "\n");
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
    }

    @AfterAll
    static void stopEverythingAndDropTheDatabase() throws Exception {
        for (Process process : STARTED) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        try (Connection postgres = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "");
             Statement sql = postgres.createStatement()) {
            sql.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
        }
    }

    @AfterEach
    void stopThisTestsWorkers() throws Exception {
        for (Process worker : WORKERS) {
            worker.destroy();
            worker.waitFor(30, TimeUnit.SECONDS);
        }
        WORKERS.clear();
    }

    @Test
    void aWorkerInItsOwnJvmRestoresADrillStartedOnTheServerAndReleasesNothingOnSigterm() throws Exception {
        // Given a worker at the recovery site, with the same catalog as the server
        Process worker = worker("w1", 60);

        // When an operator's drill is started on the server
        String id = startDrill("good/manifest.json");

        // Then the worker restored it and the server recorded the pass, with seven steps in its evidence
        assertThat(awaitVariable(id, "drillStatus", Duration.ofSeconds(90))).isEqualTo("passed");
        JsonNode report = TestBundle.JSON.readTree(root.resolve("evidence").resolve(variable(id, "runId"))
                .resolve("dr-report.json").toFile());
        assertThat(report.path("status").asText()).isEqualTo("passed");
        assertThat(report.path("notes").path("steps_passed").asInt()).isEqualTo(7);
        assertThat(report.path("notes").path("restored_sha256").asText()).startsWith("sha256:");
        assertThat(Files.readString(root.resolve("w1.log"))).contains("restored and checked");

        // And SIGTERM stops the worker at once, saying nothing was left locked
        worker.destroy();
        assertThat(worker.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(rest("GET", "/external-task/count?locked=true&processInstanceId=" + id, admin(), null).body())
                .contains("\"count\":0");
    }

    @Test
    void aWorkerStartedWithSiteRestoresTheDrillOfThatSiteAndTheServerKeepsItsRecallLog() throws Exception {
        // Given a worker at site dc-b, and a manifest whose restore.site is dc-b
        worker("w7", 60, "--site", "dc-b");

        // When an operator's drill of that manifest is started on the server
        String id = startDrill("at-dc-b/manifest.json");

        // Then that worker restored it, and the report names the site, the worker and the server's copy of the log
        assertThat(awaitVariable(id, "drillStatus", Duration.ofSeconds(90))).isEqualTo("passed");
        Path evidence = root.resolve("evidence").resolve(variable(id, "runId"));
        JsonNode notes = TestBundle.JSON.readTree(evidence.resolve("dr-report.json").toFile()).path("notes");
        assertThat(notes.path("restore_site").asText()).isEqualTo("dc-b");
        assertThat(notes.path("restore_worker").asText()).startsWith("site-worker@");
        assertThat(notes.path("restore_worker_user").asText()).isEqualTo("site-worker");
        Path stdout = evidence.resolve("restore").resolve("recall-stdout.log");
        assertThat(notes.path("restore_stdout_log").asText()).isEqualTo(stdout.toString());
        assertThat(Files.readString(stdout)).isEqualTo("recalled at dc-b\n");
        assertThat(Files.readString(root.resolve("w7.log"))).contains("at site dc-b", "restored and checked");
    }

    @Test
    void aKilledWorkersRestoreIsTakenByAnotherWorkerAfterItsLockExpiredAndNeverRunsTwiceAtOnce() throws Exception {
        // Given a worker with a 10 s lock carrying out a restore whose recall takes 6 s
        Process first = worker("w2", 10);
        String id = startDrill("slow/manifest.json");
        Path recallLog = awaitRecallStart("slow");

        // When that worker is killed with SIGKILL mid-restore and a second worker is started
        first.destroyForcibly();
        assertThat(first.waitFor(20, TimeUnit.SECONDS)).isTrue();
        Instant killed = Instant.now();
        worker("w3", 10);

        // Then the second worker takes the task once the lock expired and the drill passes
        assertThat(awaitVariable(id, "drillStatus", Duration.ofSeconds(90))).isEqualTo("passed");
        Duration recovery = Duration.between(killed, Instant.now());
        System.out.println("[RestoreWorkerIT] drill passed " + recovery.toMillis() + " ms after its worker was killed");
        assertThat(recovery).isLessThan(Duration.ofSeconds(60));
        // ... and the killed worker's recall died with it: two starts, one end, the end after the second start
        List<String> lines = Files.readAllLines(recallLog);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("start");
        assertThat(lines.get(1)).startsWith("start");
        assertThat(lines.get(2)).startsWith("end");
        assertThat(Files.readString(root.resolve("w3.log"))).contains("restored and checked");
    }

    @Test
    void sigtermMidRestoreKillsTheRecallAndReleasesTheTaskForTheNextWorkerAtOnce() throws Exception {
        // Given a worker with a 60 s lock in the middle of a 30 s recall
        Process worker = worker("w4", 60);
        String id = startDrill("slow-term/manifest.json");
        Path recallLog = awaitRecallStart("slow-term");

        // When it is stopped with SIGTERM
        worker.destroy();
        assertThat(worker.waitFor(30, TimeUnit.SECONDS)).isTrue();

        // Then it released its task, and the next worker takes it at once, long before the lock would have expired
        assertThat(Files.readString(root.resolve("w4.log"))).contains("released task");
        Instant stopped = Instant.now();
        worker("w5", 60);
        assertThat(awaitVariable(id, "drillStatus", Duration.ofSeconds(90))).isEqualTo("passed");
        System.out.println("[RestoreWorkerIT] drill passed " + Duration.between(stopped, Instant.now()).toMillis()
                + " ms after its worker was stopped with SIGTERM (recall 30 s)");
        assertThat(Files.readAllLines(recallLog)).satisfiesExactly(
                first -> assertThat(first).startsWith("start"), second -> assertThat(second).startsWith("start"),
                end -> assertThat(end).startsWith("end"));
    }

    @Test
    void aServerKilledMidRestoreGetsTheVerdictSoonAfterItsRestartAndTheRecallRanOnce() throws Exception {
        // Given a worker in the middle of a 12 s recall
        Process worker = worker("w6", 60);
        String id = startDrill("slow-server/manifest.json");
        Path recallLog = awaitRecallStart("slow-server");

        // When the server is killed with SIGKILL and started again on the same database
        server.destroyForcibly();
        assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
        server = startServer("server-2.log");
        awaitUp();
        Instant up = Instant.now();

        // Then the drill gets its verdict within 2 minutes of the restart, from the one recall that ran
        assertThat(awaitVariable(id, "drillStatus", Duration.ofSeconds(120))).isEqualTo("passed");
        System.out.println("[RestoreWorkerIT] verdict " + Duration.between(up, Instant.now()).toMillis()
                + " ms after the killed server was up again");
        assertThat(Files.readAllLines(recallLog)).satisfiesExactly(
                start -> assertThat(start).startsWith("start"), end -> assertThat(end).startsWith("end"));
        assertThat(worker.isAlive()).isTrue();
    }

    private static void slowBundle(String name, int seconds) {
        Path log = root.resolve(name + "-recall.log");
        TestBundle.create(catalog.resolve(name)).withCopyBackup(false)
                .withScript("#!/bin/sh\necho \"start $(date +%s.%N)\" >> " + log + "\nsleep " + seconds
                        + "\ncp \"$1\" \"$4/\"\necho \"end $(date +%s.%N)\" >> " + log + "\n").write();
    }

    private static Path awaitRecallStart(String name) throws Exception {
        Path recallLog = root.resolve(name + "-recall.log");
        Instant deadline = Instant.now().plusSeconds(60);
        while (!(Files.exists(recallLog) && Files.readString(recallLog).contains("start"))) {
            assertThat(Instant.now()).as("the recall of %s started", name).isBefore(deadline);
            Thread.sleep(100);
        }
        return recallLog;
    }

    private static Process startServer(String log) throws IOException {
        return start(root.resolve(log), Map.of("CAMUNDA_BPM_ADMINUSER_PASSWORD", ADMIN_PASSWORD),
                "serve", "--server.port=" + port,
                "--spring.datasource.url=jdbc:postgresql://127.0.0.1:5432/" + DATABASE,
                "--spring.datasource.username=postgres",
                "--camunda.bpm.admin-user.id=admin",
                "--drdrill.manifests-dir=" + catalog, "--drdrill.evidence-dir=" + root.resolve("evidence"),
                "--drdrill.data-dir=" + root.resolve("var"), "--drdrill.restore.in-process-worker=false");
    }

    private static Process worker(String name, int lockSeconds, String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of("worker",
                "--engine-url", "http://127.0.0.1:" + port + "/engine-rest", "--user", "site-worker",
                "--password-file", passwordFile.toString(), "--manifests-dir", catalog.toString(),
                "--evidence-dir", root.resolve(name + "-evidence").toString(), "--lock-seconds",
                String.valueOf(lockSeconds)));
        args.addAll(List.of(more));
        Process worker = start(root.resolve(name + ".log"), Map.of(), args.toArray(String[]::new));
        WORKERS.add(worker);
        return worker;
    }

    private static Process start(Path log, Map<String, String> environment, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("java", "-Xmx512m", "-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        STARTED.add(process);
        return process;
    }

    private static void awaitUp() throws Exception {
        Instant deadline = Instant.now().plusSeconds(150);
        while (Instant.now().isBefore(deadline)) {
            assertThat(server.isAlive()).as("the server is running (see %s)", root.resolve("server.log")).isTrue();
            try {
                if (rest("GET", "/version", admin(), null).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the server did not come up: " + root.resolve("server.log"));
    }

    private static String startDrill(String manifest) throws Exception {
        HttpResponse<String> started = rest("POST", "/process-definition/key/dr-drill/start", admin(),
                "{\"variables\":{\"manifest\":{\"value\":\"" + manifest + "\"}},\"businessKey\":\"" + manifest + "\"}");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
        return HttpCalls.json(started).path("id").asText();
    }

    private static String awaitVariable(String processInstanceId, String name, Duration wait) throws Exception {
        Instant deadline = Instant.now().plus(wait);
        while (Instant.now().isBefore(deadline)) {
            String value = variable(processInstanceId, name);
            if (value != null) {
                return value;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(name + " was not set on " + processInstanceId);
    }

    private static String variable(String processInstanceId, String name) throws Exception {
        JsonNode found = HttpCalls.json(rest("GET", "/history/variable-instance?processInstanceIdIn="
                + processInstanceId + "&variableName=" + name, admin(), null));
        return StreamSupport.stream(found.spliterator(), false).map(v -> v.path("value"))
                .filter(v -> !v.isNull() && !v.isMissingNode()).map(JsonNode::asText).findFirst().orElse(null);
    }

    private static HttpResponse<String> rest(String method, String path, String credentials, String body)
            throws IOException, InterruptedException {
        return HttpCalls.send(HTTP, "http://127.0.0.1:" + port + "/engine-rest" + path, method, credentials, body);
    }

    private static String admin() {
        return "admin:" + ADMIN_PASSWORD;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
