package io.drdrill.cli;

import ch.qos.logback.classic.Level;
import io.drdrill.drill.Drill;
import io.drdrill.manifest.Manifest;
import io.drdrill.manifest.ManifestCatalog;
import io.drdrill.manifest.RestoreSite;
import io.drdrill.process.DrDrillProcess;
import io.drdrill.process.SiteRestore;
import io.drdrill.restore.RestoreRunner;
import io.drdrill.step.Progress;
import io.drdrill.step.Text;
import io.drdrill.logging.TerminalText;
import org.camunda.bpm.client.ExternalTaskClient;
import org.camunda.bpm.client.exception.ConnectionLostException;
import org.camunda.bpm.client.exception.UnknownHttpErrorException;
import org.camunda.bpm.client.interceptor.auth.BasicAuthProvider;
import org.camunda.bpm.client.task.ExternalTask;
import org.camunda.bpm.client.task.ExternalTaskService;
import org.camunda.bpm.client.topic.TopicSubscriptionBuilder;
import org.camunda.bpm.client.variable.ClientValues;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static io.drdrill.process.DrDrillProcess.Variables.CURRENT_TIME;
import static io.drdrill.process.DrDrillProcess.Variables.MANIFEST;
import static io.drdrill.process.DrDrillProcess.Variables.MANIFEST_SHA256;
import static io.drdrill.process.DrDrillProcess.Variables.RESTORE_SITE;
import static io.drdrill.process.DrDrillProcess.Variables.RESTORE_WORKER;
import static io.drdrill.process.DrDrillProcess.Variables.RUN_ID;

/**
 * {@code dr-drill worker}: carries out "Restore at the recovery site" for a server, on this host. It fetches the
 * {@value SiteRestore#TOPIC} tasks over the engine's REST API as a {@code dr-workers} user, holds each with a
 * short lock that it extends while the recall runs (a worker that dies frees its task within the lock), runs
 * the recall and the restored-copy check here, under the same containment as the server, and reports the steps'
 * records back with the recall's logs (bounded), which the server keeps in the drill's evidence. It fetches only
 * the drills of its site ({@code --site}, matched against the drill's {@code restoreSite} by the engine's fetch
 * filter). Its manifests come from its own catalog: a manifest whose SHA-256 is not the one the server loaded is
 * refused. SIGTERM releases a task that has not been reported.
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = {"Carry out drills' restores at this recovery site for a dr-drill server (external tasks "
                + "on topic " + SiteRestore.TOPIC + ").",
                "Runs until stopped; SIGTERM or SIGINT releases a task it has not reported and exits 143 or 130.",
                "Exit codes: 2 invalid invocation, 4 the engine cannot be reached or refuses the user at start."})
public class WorkerCommand implements java.util.concurrent.Callable<Integer> {

    private static final Pattern RUN_ID_SHAPE = Pattern.compile("drill-[0-9]{8}T[0-9]{6}Z-[0-9a-f]{12}");
    private static final String PREFIX = "[dr-drill worker] ";
    private static final Duration REPORT_PATIENCE = Duration.ofMinutes(3);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--engine-url", required = true, paramLabel = "URL",
            description = "The server's REST API, e.g. http://dr.example:8080/engine-rest")
    String engineUrl;

    @Option(names = "--user", required = true, paramLabel = "ID", description = "A user of the dr-workers group.")
    String user;

    @Option(names = "--password-file", required = true, paramLabel = "FILE",
            description = "File holding the user's password (readable by its owner only).")
    Path passwordFile;

    @Option(names = "--manifests-dir", paramLabel = "DIR", defaultValue = "data/dr",
            description = "This site's copy of the catalog (default: ${DEFAULT-VALUE}).")
    Path manifestsDir;

    @Option(names = "--scripts-dir", paramLabel = "DIR",
            description = "Folders recall scripts must resolve into (default: the catalog).")
    List<Path> scriptsDirs = new ArrayList<>();

    @Option(names = "--evidence-dir", paramLabel = "DIR", defaultValue = "artifacts/dr-worker",
            description = "Where the recall logs go, one folder per drill (default: ${DEFAULT-VALUE}).")
    Path evidenceDir;

    @Option(names = "--site", paramLabel = "NAME", defaultValue = RestoreSite.DEFAULT,
            description = "The recovery site this worker is at: it serves only drills whose manifest's restore.site "
                    + "is this (default: ${DEFAULT-VALUE}, the site of manifests that name none).")
    String site;

    @Option(names = "--max-tasks", paramLabel = "N", defaultValue = "1",
            description = "Restores carried out at once (default: ${DEFAULT-VALUE}).")
    int maxTasks;

    @Option(names = "--lock-seconds", paramLabel = "S", defaultValue = "60",
            description = "Lock held on a task, extended every third of it (default: ${DEFAULT-VALUE}).")
    long lockSeconds;

    /** Tasks fetched and not yet reported, by id: SIGTERM releases them. */
    private final Map<String, Thread> running = new ConcurrentHashMap<>();
    private volatile boolean stopping;

    @Override
    public Integer call() throws InterruptedException {
        if (System.getenv("DR_DRILL_WORKER_DEBUG") == null) {
            quietLibraries();
        }
        String badSite = RestoreSite.problem(site);
        if (badSite != null) {
            throw invalid("--site: " + badSite + ", got '" + TerminalText.escape(Text.shorten(site, 80)) + "'");
        }
        if (maxTasks < 1 || maxTasks > 64) {
            throw invalid("--max-tasks must be 1 to 64, got " + maxTasks);
        }
        if (lockSeconds < 10 || lockSeconds > 3600) {
            throw invalid("--lock-seconds must be 10 to 3600, got " + lockSeconds);
        }
        String password = password();
        URI engine = engineUri();
        PrintWriter err = spec.commandLine().getErr();
        String refused = reachable(engine, password);
        if (refused != null) {
            err.println(PREFIX + "ERROR: " + TerminalText.escape(refused));
            err.flush();
            return ExitCode.ERROR.code();
        }
        String workerId = user + "@" + ManagementFactory.getRuntimeMXBean().getName();
        long lockMillis = lockSeconds * 1000;
        Drill drill = new Drill(new RestoreRunner(scriptsDirs.isEmpty() ? List.of(manifestsDir) : scriptsDirs));
        SiteRestore restore = new SiteRestore(drill);
        ManifestCatalog catalog = new ManifestCatalog(manifestsDir);
        ScheduledExecutorService lockKeeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "dr-restore-lock");
            thread.setDaemon(true);
            return thread;
        });
        ExternalTaskClient client = ExternalTaskClient.create()
                .baseUrl(engine.toString())
                .workerId(workerId)
                .maxTasks(maxTasks)
                .lockDuration(lockMillis)
                .asyncResponseTimeout(10_000)
                .addInterceptor(new BasicAuthProvider(user, password))
                .build();
        TopicSubscriptionBuilder subscription = client.subscribe(SiteRestore.TOPIC)
                .lockDuration(lockMillis)
                .processDefinitionKey(DrDrillProcess.PROCESS_KEY)
                .processVariableEquals(RESTORE_SITE.name(), site)
                .variables(MANIFEST.name(), MANIFEST_SHA256.name(), RUN_ID.name(), CURRENT_TIME.name())
                .handler((task, service) -> carryOut(task, service, catalog, restore, lockKeeper, lockMillis, err));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // SIGTERM: stop fetching, interrupt running restores (their recall's process tree is killed) and let
            // each release its task; a task is never left locked by a worker that is going away
            stopping = true;
            Thread stopper = new Thread(client::stop, "dr-drill-worker-client-stop");
            stopper.setDaemon(true);
            stopper.start();
            running.values().forEach(Thread::interrupt);
            Instant giveUp = Instant.now().plusSeconds(20);
            while ((!running.isEmpty() || stopper.isAlive()) && Instant.now().isBefore(giveUp)) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    break;
                }
            }
            err.flush();
            stopped.countDown();
        }, "dr-drill-worker-stop"));
        subscription.open();
        err.println(PREFIX + "serving " + SiteRestore.TOPIC + " at site " + site + " for " + engine + " as "
                + workerId);
        err.flush();
        stopped.await();
        return ExitCode.PASSED.code();
    }

    private void carryOut(ExternalTask task, ExternalTaskService service, ManifestCatalog catalog,
                          SiteRestore restore, ScheduledExecutorService lockKeeper, long lockMillis, PrintWriter err) {
        running.put(task.getId(), Thread.currentThread());
        if (stopping) {
            release(task, service, err); // fetched while the worker was being stopped
            running.remove(task.getId());
            return;
        }
        String workerId = user + "@" + ManagementFactory.getRuntimeMXBean().getName();
        ScheduledFuture<?> keepLocked = lockKeeper.scheduleAtFixedRate(() -> {
            try {
                service.extendLock(task, lockMillis);
            } catch (RuntimeException e) {
                err.println(PREFIX + "could not extend the lock of task " + task.getId() + ": "
                        + TerminalText.escape(Text.shorten(String.valueOf(e.getMessage()), 300)));
            }
        }, lockMillis / 3, lockMillis / 3, TimeUnit.MILLISECONDS);
        Object runIdValue = task.getVariable(RUN_ID.name());
        String runId = String.valueOf(runIdValue);
        try {
            SiteRestore.Request request = request(task, catalog, runId);
            err.println(PREFIX + "restoring " + TerminalText.escape(request.manifestPath().toString()) + " for "
                    + runId);
            SiteRestore.Outcome outcome = restore.run(request, Progress.NONE);
            keepLocked.cancel(false);
            if (stopping) {
                release(task, service, err);
                return;
            }
            Map<String, Object> reported = outcome.variables(json -> ClientValues.jsonValue(json));
            // the logs go back with the report: the server keeps them in the drill's evidence under its own names
            Map<String, Object> returned = new java.util.LinkedHashMap<>(
                    SiteRestore.logUploads(outcome, bytes -> ClientValues.byteArrayValue(bytes)));
            RESTORE_WORKER.put(returned, workerId);
            if (outcome.failure().isPresent()) {
                SiteRestore.Failure failure = outcome.failure().get();
                reported.putAll(returned); // a BPMN error carries no local variables
                report(() -> service.handleBpmnError(task, failure.errorCode(), failure.message(), reported), err);
                err.println(PREFIX + runId + " " + failure.step() + " failed: "
                        + TerminalText.escape(Text.shorten(failure.message(), 300)));
            } else {
                report(() -> service.complete(task, reported, returned), err);
                err.println(PREFIX + runId + " restored and checked");
            }
        } catch (RuntimeException | LinkageError e) {
            keepLocked.cancel(false);
            if (stopping) {
                release(task, service, err);
                return;
            }
            String message = "worker " + user + " could not carry out the restore: "
                    + Text.shorten(String.valueOf(e.getMessage()), 500);
            err.println(PREFIX + runId + " " + TerminalText.escape(message));
            int retries = task.getRetries() == null ? 3 : task.getRetries();
            try {
                service.handleFailure(task, message, e.toString(), Math.max(0, retries - 1), 30_000);
            } catch (RuntimeException notTaken) {
                err.println(PREFIX + "could not report the failure of task " + task.getId() + ": "
                        + TerminalText.escape(Text.shorten(String.valueOf(notTaken.getMessage()), 300)));
            }
        } finally {
            running.remove(task.getId());
            err.flush();
        }
    }

    /**
     * Reports a finished restore; while the server cannot be reached (a node restarting) the report is tried again
     * every 2 s for up to {@link #REPORT_PATIENCE}, so a restore done during a restart is not done twice. An answer
     * from the engine (a refusal) ends the attempts.
     */
    private void report(Runnable call, PrintWriter err) {
        Instant giveUp = Instant.now().plus(REPORT_PATIENCE);
        for (int attempt = 1; ; attempt++) {
            try {
                call.run();
                return;
            } catch (ConnectionLostException | UnknownHttpErrorException unreachable) {
                if (Instant.now().isAfter(giveUp) || stopping) {
                    throw unreachable;
                }
                if (attempt == 1) {
                    err.println(PREFIX + "the engine cannot be reached; reporting again every 2 s");
                    err.flush();
                }
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw unreachable;
                }
            }
        }
    }

    /** The drill as this site has it: its own copy of the manifest, which must be the one the server loaded. */
    private SiteRestore.Request request(ExternalTask task, ManifestCatalog catalog, String runId) {
        if (!RUN_ID_SHAPE.matcher(runId).matches()) {
            throw new IllegalStateException("the task's run id is not a drill's run id: " + Text.shorten(runId, 80));
        }
        Object nameValue = task.getVariable(MANIFEST.name());
        Object expectedValue = task.getVariable(MANIFEST_SHA256.name());
        String name = String.valueOf(nameValue);
        String expected = String.valueOf(expectedValue);
        Path manifestPath = catalog.resolve(name);
        Manifest manifest = new io.drdrill.manifest.ManifestLoader().load(manifestPath);
        if (!manifest.sha256().equals(expected)) {
            throw new IllegalStateException("manifest " + name + " at this site (sha256:" + manifest.sha256()
                    + ") is not the one the server loaded (sha256:" + expected + ")");
        }
        Object now = task.getVariable(CURRENT_TIME.name());
        return new SiteRestore.Request(manifest.source(), expected,
                now == null || now.toString().isBlank() ? Instant.now() : Instant.parse(now.toString()),
                evidenceDir.resolve(runId), runId);
    }

    private String password() {
        try {
            if (!Files.isRegularFile(passwordFile)) {
                throw invalid("--password-file " + passwordFile + ": not a regular file");
            }
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(passwordFile);
            for (PosixFilePermission open : List.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
                    PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE)) {
                if (mode.contains(open)) {
                    throw invalid("--password-file " + passwordFile + ": readable or writable by others ("
                            + java.nio.file.attribute.PosixFilePermissions.toString(mode) + "); chmod 600 it");
                }
            }
            String password = Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
            if (password.isEmpty()) {
                throw invalid("--password-file " + passwordFile + ": empty");
            }
            return password;
        } catch (IOException e) {
            throw invalid("--password-file " + passwordFile + ": cannot be read (" + e.getMessage() + ")");
        }
    }

    private URI engineUri() {
        try {
            URI uri = URI.create(engineUrl.replaceAll("/+$", ""));
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                    || uri.getUserInfo() != null) {
                throw invalid("--engine-url must be an http(s) URL without credentials, got " + engineUrl);
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw invalid("--engine-url is not a URL: " + engineUrl);
        }
    }

    /** Null when the engine answers this user; else why not, in one line. */
    private String reachable(URI engine, String password) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(engine + "/external-task/count?topicName="
                        + SiteRestore.TOPIC))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (user + ":" + password).getBytes(StandardCharsets.UTF_8)))
                .GET().build();
        try {
            HttpResponse<Void> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()
                    .send(request, HttpResponse.BodyHandlers.discarding());
            return switch (response.statusCode()) {
                case 200 -> null;
                case 401 -> "the engine at " + engine + " refused user " + user + " (HTTP 401): wrong password?";
                default -> "the engine at " + engine + " answered HTTP " + response.statusCode();
            };
        } catch (IOException e) {
            return "the engine at " + engine + " cannot be reached: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** Gives a task back unreported (the worker is stopping): another worker takes it at once. */
    private static void release(ExternalTask task, ExternalTaskService service, PrintWriter err) {
        Thread.interrupted(); // the stop interrupted the restore; the call that gives the task back must not be
        try {
            service.unlock(task);
            err.println(PREFIX + "released task " + task.getId() + " (stopping)");
        } catch (RuntimeException e) {
            err.println(PREFIX + "could not release task " + task.getId() + " (its lock expires): "
                    + TerminalText.escape(Text.shorten(String.valueOf(e.getMessage()), 300)));
        }
    }

    private CommandLine.ParameterException invalid(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /** The client library logs every failed poll with its stack trace; the worker says what matters itself. */
    private static void quietLibraries() {
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext logback) {
            logback.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.WARN);
            logback.getLogger("org.camunda.bpm.client").setLevel(Level.OFF);
        }
    }

}
