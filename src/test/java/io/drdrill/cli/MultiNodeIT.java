package io.drdrill.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.drdrill.server.IdentityBootstrap;
import io.drdrill.testsupport.HttpCalls;
import io.drdrill.testsupport.JarProcesses;
import io.drdrill.testsupport.ScratchDatabase;
import io.drdrill.testsupport.TestBundle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Work shared across nodes, as real processes: two servers ({@code dr-drill serve}, separate JVMs, one PostgreSQL
 * database of their own, no in-process restore worker, each with its own engine hostname) and two restore workers
 * ({@code dr-drill worker}, one per server, each its own {@code dr-workers} user). Fifty drills of five kinds of
 * bundle are started at once over both servers' REST APIs; every drill must end with its own verdict and its own
 * evidence, the jobs must be spread over both nodes and the restores over both workers, and nothing may end in an
 * incident (two nodes on one database meet as optimistic locking conflicts first).
 */
class MultiNodeIT {

    private static final int DRILLS = 50;
    private static final String ADMIN_PASSWORD = "multi-node-it-" + UUID.randomUUID();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** The bundles of the catalog and the verdict each must get, whichever node and worker carry it out. */
    enum Kind {
        PASSING("passing", "passed", null),
        TAMPERED_DIGEST("tampered-digest", "failed", "verify_backup_digest"),
        FAILING_RECALL("failing-recall", "failed", "restore_artifact"),
        STALE_BACKUP("stale-backup", "policy_violation", "enforce_policies"),
        INVALID_MANIFEST("invalid-manifest", "invalid", null);

        final String bundle;
        final String status;
        final String failedStage;

        Kind(String bundle, String status, String failedStage) {
            this.bundle = bundle;
            this.status = status;
            this.failedStage = failedStage;
        }

        String manifest() {
            return bundle + "/manifest.json";
        }

        boolean waitsForReview() {
            return status.equals("failed") || status.equals("policy_violation");
        }

        boolean reachesTheRestore() {
            return this == PASSING || this == FAILING_RECALL || this == STALE_BACKUP;
        }
    }

    record Node(String hostname, int port, Process process, Path log) {
        String rest() {
            return "http://127.0.0.1:" + port + "/engine-rest";
        }
    }

    record Drill(int number, Kind kind, Node node, String processInstanceId) {
    }

    private static Path root;
    private static ScratchDatabase database;
    private static Connection tables;
    private static JarProcesses processes;
    private static Node nodeA;
    private static Node nodeB;
    private static String operator;
    private static final Map<String, String> WORKER_IDS = new LinkedHashMap<>();
    private static final AtomicLong SLOWEST_START_MILLIS = new AtomicLong();

    @BeforeAll
    static void twoNodesAndTwoWorkersOnOneDatabase() throws Exception {
        root = Files.createTempDirectory("dr-drill-multi-node-it").toRealPath();
        Path catalog = root.resolve("catalog");
        bundles(catalog);
        database = ScratchDatabase.create("drdrill_multinode_it");
        // one connection of the test's own, taken before the load: the PostgreSQL server is shared
        tables = DriverManager.getConnection(database.url(), ScratchDatabase.USER, "");
        processes = new JarProcesses(root);
        // the first start of an empty database creates the engine's schema, groups and filters (two nodes doing it
        // at once collide on the schema): the second node starts on a database that has them
        nodeA = startNode("node-a", catalog);
        JarProcesses.awaitRest(HTTP, nodeA.process(), nodeA.log(), nodeA.rest(), admin(), Duration.ofSeconds(150));
        nodeB = startNode("node-b", catalog);
        operator = HttpCalls.createUser(HTTP, nodeA.rest(), admin(), "olive", "pw-" + UUID.randomUUID(),
                IdentityBootstrap.OPERATORS);
        startWorker("worker-a", nodeA, catalog);
        JarProcesses.awaitRest(HTTP, nodeB.process(), nodeB.log(), nodeB.rest(), admin(), Duration.ofSeconds(150));
        startWorker("worker-b", nodeB, catalog);
    }

    @AfterAll
    static void stopEverythingAndDropTheDatabase() throws Exception {
        if (processes != null) {
            processes.close();
        }
        if (tables != null) {
            tables.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void fiftyDrillsStartedAtOnceOverTwoNodesEachGetTheirOwnVerdictAndEvidenceWithTheWorkSharedAndNoIncident()
            throws Exception {
        // Given two nodes and two workers, and fifty drills of five kinds spread over both nodes
        List<Kind> kinds = new ArrayList<>();
        for (int i = 0; i < DRILLS; i++) {
            kinds.add(Kind.values()[i % Kind.values().length]);
        }

        // When the fifty are started at once over REST, alternately on each node
        List<Drill> drills = startAllAtOnce(kinds);

        // Then every drill gets the verdict of its bundle
        Map<String, JsonNode> verdicts = awaitVerdicts(drills, Duration.ofMinutes(4));
        for (Drill drill : drills) {
            assertThat(verdicts.get(drill.processInstanceId()).path("value").asText())
                    .as("verdict of drill %d (%s, started on %s)", drill.number(), drill.kind().manifest(),
                            drill.node().hostname())
                    .isEqualTo(drill.kind().status);
        }
        Instant lastVerdict = instant(rows("SELECT MAX(CREATE_TIME_) FROM ACT_HI_VARINST WHERE NAME_ = 'drillStatus'"));
        Instant firstStart = instant(rows("SELECT MIN(START_TIME_) FROM ACT_HI_PROCINST WHERE PROC_DEF_KEY_ = 'dr-drill'"));
        // ... and the failed ones and the violations wait for a review, which an operator gives on either node
        reviewEveryFailedDrill(drills);
        awaitNoDrillRunning(Duration.ofMinutes(2));

        // And each drill's report and engine history say the same, each in a folder of its own
        Path evidence = root.resolve("evidence");
        Set<String> runIds = new HashSet<>();
        for (Drill drill : drills) {
            String runId = historicVariable(drill, "runId");
            assertThat(runIds.add(runId)).as("run id %s is the drill's own", runId).isTrue();
            JsonNode report = TestBundle.JSON.readTree(evidence.resolve(runId).resolve("dr-report.json").toFile());
            String what = "drill " + drill.number() + " (" + drill.kind().manifest() + ", " + runId + ")";
            assertThat(report.path("run_id").asText()).as(what).isEqualTo(runId);
            assertThat(report.path("process_instance_id").asText()).as(what).isEqualTo(drill.processInstanceId());
            assertThat(report.path("status").asText()).as(what).isEqualTo(drill.kind().status);
            assertThat(report.path("manifest").asText()).as(what).endsWith(drill.kind().manifest());
            assertThat(report.path("failed_stage").isNull() ? null : report.path("failed_stage").asText()).as(what)
                    .isEqualTo(drill.kind().failedStage);
            assertThat(historicVariable(drill, "failedStage")).as(what).isEqualTo(drill.kind().failedStage);
            for (String line : Files.readAllLines(evidence.resolve(runId).resolve("dr-events.ndjson"))) {
                assertThat(TestBundle.JSON.readTree(line).path("run_id").asText()).as(what).isEqualTo(runId);
            }
            if (drill.kind() == Kind.PASSING) {
                assertThat(report.path("notes").path("steps_passed").asInt()).as(what).isEqualTo(7);
            }
            if (drill.kind().waitsForReview()) {
                assertThat(evidence.resolve(runId).resolve("review.json")).as(what).isRegularFile();
            }
            // ... whose restore, if it got that far, ran at exactly one of the two sites
            long restoredAt = WORKER_IDS.keySet().stream()
                    .filter(worker -> Files.isDirectory(root.resolve(worker + "-evidence").resolve(runId))).count();
            assertThat(restoredAt).as("sites that restored %s", what).isEqualTo(drill.kind().reachesTheRestore() ? 1 : 0);
        }
        try (Stream<Path> folders = Files.list(evidence)) {
            assertThat(folders.map(f -> f.getFileName().toString()).collect(Collectors.toSet()))
                    .as("one evidence folder per drill").isEqualTo(runIds);
        }

        // And both nodes executed the drills' jobs, only the two workers carried out restores, nothing failed or ended in an incident
        Map<String, Long> jobsPerNode = counts("SELECT HOSTNAME_, COUNT(*) FROM ACT_HI_JOB_LOG WHERE JOB_STATE_ = 2 "
                + "AND PROCESS_DEF_KEY_ = 'dr-drill' GROUP BY HOSTNAME_");
        // a restore task ends completed (2) or, when its step failed, removed by the BPMN error it reported (3)
        Map<String, Long> tasksPerWorker = counts("SELECT WORKER_ID_, COUNT(*) FROM ACT_HI_EXT_TASK_LOG "
                + "WHERE STATE_ IN (2, 3) GROUP BY WORKER_ID_");
        long restores = drills.stream().filter(d -> d.kind().reachesTheRestore()).count();
        System.out.printf("[MultiNodeIT] %d drills over 2 nodes and 2 workers: first start to last verdict %.1f s, "
                        + "%.1f drills per minute; slowest start answered in %.1f s; jobs per node %s; "
                        + "restores per worker %s%n", DRILLS,
                Duration.between(firstStart, lastVerdict).toMillis() / 1000.0,
                DRILLS * 60_000.0 / Duration.between(firstStart, lastVerdict).toMillis(),
                SLOWEST_START_MILLIS.get() / 1000.0, jobsPerNode,
                tasksPerWorker);
        assertThat(jobsPerNode.keySet()).containsExactlyInAnyOrder(nodeA.hostname(), nodeB.hostname());
        // which worker wins each fetch is the engine's choice: when restores are quick one worker may take them all
        assertThat(WORKER_IDS.values()).containsAll(tasksPerWorker.keySet());
        assertThat(tasksPerWorker.values().stream().mapToLong(Long::longValue).sum()).as("restores reported")
                .isEqualTo(restores);
        assertThat(rows("SELECT HOSTNAME_, JOB_DEF_TYPE_, ACT_ID_, JOB_EXCEPTION_MSG_ FROM ACT_HI_JOB_LOG "
                + "WHERE JOB_STATE_ = 1")).as("failed jobs").isEmpty();
        assertThat(rows("SELECT WORKER_ID_, ERROR_MSG_ FROM ACT_HI_EXT_TASK_LOG WHERE STATE_ = 1"))
                .as("failed restore tasks").isEmpty();
        assertThat(rows("SELECT INCIDENT_TYPE_, ACTIVITY_ID_, INCIDENT_MSG_ FROM ACT_HI_INCIDENT"))
                .as("incidents").isEmpty();
        assertThat(rows("SELECT ID_ FROM ACT_HI_PROCINST WHERE PROC_DEF_KEY_ = 'dr-drill' AND END_TIME_ IS NULL"))
                .as("drills still running").isEmpty();
    }

    private static List<Drill> startAllAtOnce(List<Kind> kinds) throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(kinds.size());
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Drill>> started = new ArrayList<>();
            for (int i = 0; i < kinds.size(); i++) {
                int number = i;
                Kind kind = kinds.get(i);
                Node node = i % 2 == 0 ? nodeA : nodeB;
                started.add(callers.submit(() -> {
                    go.await();
                    long asked = System.nanoTime();
                    HttpResponse<String> answer = HttpCalls.send(HTTP, node.rest()
                                    + "/process-definition/key/dr-drill/start", "POST", operator,
                            "{\"variables\":{\"manifest\":{\"value\":\"" + kind.manifest() + "\"}}}",
                            // fifty starts at once on a machine shared with other builds may queue for a while
                            Duration.ofMinutes(2));
                    SLOWEST_START_MILLIS.accumulateAndGet((System.nanoTime() - asked) / 1_000_000, Math::max);
                    assertThat(answer.statusCode()).as("start %d on %s: %s", number, node.hostname(), answer.body())
                            .isEqualTo(200);
                    return new Drill(number, kind, node, HttpCalls.json(answer).path("id").asText());
                }));
            }
            go.countDown();
            List<Drill> drills = new ArrayList<>();
            for (Future<Drill> drill : started) {
                drills.add(drill.get());
            }
            return drills;
        } finally {
            callers.shutdownNow();
        }
    }

    /** Each drill's historic {@code drillStatus}, by process instance, once all of them have one. */
    private static Map<String, JsonNode> awaitVerdicts(List<Drill> drills, Duration wait) throws Exception {
        String ids = drills.stream().map(Drill::processInstanceId).collect(Collectors.joining(","));
        Instant deadline = Instant.now().plus(wait);
        Map<String, JsonNode> verdicts = Map.of();
        while (Instant.now().isBefore(deadline)) {
            JsonNode found = HttpCalls.json(HttpCalls.send(HTTP, nodeA.rest()
                    + "/history/variable-instance?variableName=drillStatus&processInstanceIdIn=" + ids, "GET",
                    admin(), null));
            verdicts = StreamSupport.stream(found.spliterator(), false)
                    .filter(v -> v.path("value").isTextual())
                    .collect(Collectors.toMap(v -> v.path("processInstanceId").asText(), v -> v, (a, b) -> a));
            if (verdicts.size() == drills.size()) {
                return verdicts;
            }
            Thread.sleep(500);
        }
        throw new AssertionError(verdicts.size() + " of " + drills.size() + " drills got a verdict within " + wait
                + "; incidents: " + rows("SELECT ACTIVITY_ID_, INCIDENT_MSG_ FROM ACT_HI_INCIDENT"));
    }

    /** The operator acknowledges every failed drill's review task, alternately on each node. */
    private static void reviewEveryFailedDrill(List<Drill> drills) throws Exception {
        int reviewed = 0;
        for (Drill drill : drills) {
            if (!drill.kind().waitsForReview()) {
                continue;
            }
            Node node = reviewed++ % 2 == 0 ? nodeB : nodeA;
            JsonNode tasks = HttpCalls.json(HttpCalls.send(HTTP, node.rest() + "/task?processInstanceId="
                    + drill.processInstanceId(), "GET", operator, null));
            assertThat(tasks.size()).as("review tasks of drill %d", drill.number()).isEqualTo(1);
            HttpResponse<String> completed = HttpCalls.send(HTTP, node.rest() + "/task/"
                            + tasks.get(0).path("id").asText() + "/complete", "POST", operator,
                    "{\"variables\":{\"acknowledged\":{\"value\":true},\"reviewNote\":{\"value\":\"drill "
                            + drill.number() + "\"}}}");
            assertThat(completed.statusCode()).as(completed.body()).isEqualTo(204);
        }
    }

    private static void awaitNoDrillRunning(Duration wait) throws Exception {
        Instant deadline = Instant.now().plus(wait);
        while (!rows("SELECT ID_ FROM ACT_RU_EXECUTION WHERE PARENT_ID_ IS NULL AND PROC_DEF_ID_ LIKE 'dr-drill:%'")
                .isEmpty()) {
            assertThat(Instant.now()).as("every drill ended").isBefore(deadline);
            Thread.sleep(500);
        }
    }

    private static String historicVariable(Drill drill, String name) throws Exception {
        JsonNode found = HttpCalls.json(HttpCalls.send(HTTP, drill.node().rest()
                + "/history/variable-instance?processInstanceIdIn=" + drill.processInstanceId() + "&variableName="
                + name, "GET", admin(), null));
        return StreamSupport.stream(found.spliterator(), false).map(v -> v.path("value"))
                .filter(v -> !v.isNull() && !v.isMissingNode()).map(JsonNode::asText).findFirst().orElse(null);
    }

    private static void bundles(Path catalog) {
        // every bundle that reaches the restore recalls with a script, whose logs stay at the site that ran it
        String recall = "#!/bin/sh\necho \"recalled at $(hostname)\"\ncp \"$1\" \"$4/\"\n";
        TestBundle.create(catalog.resolve(Kind.PASSING.bundle)).withPolicies(60.0, 600.0).withCopyBackup(false)
                .withScript(recall).write();
        TestBundle.create(catalog.resolve(Kind.TAMPERED_DIGEST.bundle))
                .withManifestSha256("sha256:" + "0".repeat(64)).write();
        TestBundle.create(catalog.resolve(Kind.FAILING_RECALL.bundle)).withCopyBackup(false)
                .withScript("#!/bin/sh\necho 'recall failed: the recovery site has no storage' >&2\nexit 3\n").write();
        TestBundle.create(catalog.resolve(Kind.STALE_BACKUP.bundle)).withPolicies(60.0, 600.0).withCopyBackup(false)
                .withScript(recall)
                .withCapturedAt(Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(2, ChronoUnit.DAYS)).write();
        TestBundle.create(catalog.resolve(Kind.INVALID_MANIFEST.bundle)).withManifestTweak(m -> m.remove("sbom"))
                .write();
    }

    private static Node startNode(String hostname, Path catalog) throws IOException {
        int port = JarProcesses.freePort();
        Path log = root.resolve(hostname + ".log");
        Process process = processes.start(log, "512m", Map.of("CAMUNDA_BPM_ADMINUSER_PASSWORD", ADMIN_PASSWORD),
                List.of("serve", "--server.port=" + port,
                        "--spring.datasource.url=" + database.url(), "--spring.datasource.username=" + ScratchDatabase.USER,
                        "--camunda.bpm.admin-user.id=admin",
                        "--camunda.bpm.generic-properties.properties.hostname=" + hostname,
                        "--drdrill.manifests-dir=" + catalog, "--drdrill.evidence-dir=" + root.resolve("evidence"),
                        "--drdrill.data-dir=" + root.resolve(hostname + "-var"),
                        "--drdrill.restore.in-process-worker=false"));
        return new Node(hostname, port, process, log);
    }

    private static void startWorker(String user, Node node, Path catalog) throws Exception {
        String password = "pw-" + UUID.randomUUID();
        HttpCalls.createUser(HTTP, node.rest(), admin(), user, password, IdentityBootstrap.WORKERS);
        Path passwordFile = root.resolve(user + ".password");
        Files.writeString(passwordFile, password + "\n");
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
        Path log = root.resolve(user + ".log");
        Process worker = processes.start(log, "256m", Map.of(), List.of("worker", "--engine-url", node.rest(),
                "--user", user, "--password-file", passwordFile.toString(), "--manifests-dir", catalog.toString(),
                "--evidence-dir", root.resolve(user + "-evidence").toString()));
        Instant deadline = Instant.now().plusSeconds(60);
        while (!(Files.exists(log) && Files.readString(log).contains("serving "))) {
            assertThat(worker.isAlive()).as("worker %s is running (see %s)", user, log).isTrue();
            assertThat(Instant.now()).as("worker %s serves", user).isBefore(deadline);
            Thread.sleep(200);
        }
        // the worker id it announces (user@pid@host) is the one the engine records for its tasks
        String line = Files.readAllLines(log).stream().filter(l -> l.contains("serving ")).findFirst().orElseThrow();
        WORKER_IDS.put(user, line.substring(line.lastIndexOf(" as ") + 4).strip());
    }

    private static Map<String, Long> counts(String query) throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (List<String> row : rows(query)) {
            counts.put(row.get(0), Long.parseLong(row.get(1)));
        }
        return counts;
    }

    private static Instant instant(List<List<String>> rows) {
        return Timestamp.valueOf(rows.get(0).get(0)).toInstant();
    }

    private static List<List<String>> rows(String query) throws SQLException {
        try (PreparedStatement statement = tables.prepareStatement(query);
             ResultSet result = statement.executeQuery()) {
            List<List<String>> rows = new ArrayList<>();
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                List<String> row = new ArrayList<>();
                for (int c = 1; c <= columns; c++) {
                    row.add(result.getString(c));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    private static String admin() {
        return "admin:" + ADMIN_PASSWORD;
    }
}
