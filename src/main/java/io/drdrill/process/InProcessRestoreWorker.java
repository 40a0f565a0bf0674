package io.drdrill.process;

import io.drdrill.drill.DrillSteps;
import io.drdrill.step.Text;
import org.camunda.bpm.engine.ExternalTaskService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.externaltask.ExternalTaskQueryTopicBuilder;
import org.camunda.bpm.engine.externaltask.LockedExternalTask;
import org.camunda.bpm.engine.variable.VariableMap;
import org.camunda.spin.plugin.variable.SpinValues;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import static io.drdrill.process.DrDrillProcess.Variables.EVIDENCE_DIR;
import static io.drdrill.process.DrDrillProcess.Variables.MANIFEST_PATH;
import static io.drdrill.process.DrDrillProcess.Variables.MANIFEST_SHA256;
import static io.drdrill.process.DrDrillProcess.Variables.RESTORE_SITE;
import static io.drdrill.process.DrDrillProcess.Variables.RESTORE_WORKER;
import static io.drdrill.process.DrDrillProcess.Variables.RUN_ID;

/**
 * Serves "Restore at the recovery site" ({@value SiteRestore#TOPIC}) in this JVM through the engine's
 * {@link ExternalTaskService}, so that the headless command and a server without external workers run the same
 * model: fetch and lock with a short lock, extend it while the recall runs, then complete, report the drill's
 * BPMN error, or report a failure of its own (retries, then an incident; never a pass). The headless command
 * calls {@link #serve} for its drill right after the job before it; a server with the job executor on also polls
 * in a thread of its own, for the drills of its site ({@code drdrill.restore.in-process-site}, default
 * {@code default}; {@code drdrill.restore.in-process-worker=false} leaves the topic to external workers). The
 * headless command serves its own drill whatever its site: it is itself at the site.
 */
@Component
public class InProcessRestoreWorker implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(InProcessRestoreWorker.class);
    /** Workers by engine, so that tests (and anyone) running an engine's jobs by hand can serve its restores. */
    private static final Map<ProcessEngine, InProcessRestoreWorker> BY_ENGINE =
            Collections.synchronizedMap(new WeakHashMap<>());

    private final ExternalTaskService externalTasks;
    private final org.camunda.bpm.engine.RuntimeService runtime;
    private final SiteRestore restore;
    private final DrillProgress progress;
    private final RestoreWorkerSettings settings;
    private final boolean poll;
    private final String workerId;
    private final ScheduledExecutorService lockKeeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "dr-restore-lock");
        thread.setDaemon(true);
        return thread;
    });
    private volatile Thread poller;
    private volatile boolean running;

    public InProcessRestoreWorker(ProcessEngine engine, DrillSteps steps, DrillProgress progress,
                                  RestoreWorkerSettings settings,
                                  @Value("${camunda.bpm.job-execution.enabled:true}") boolean jobExecutor) {
        this.externalTasks = engine.getExternalTaskService();
        this.runtime = engine.getRuntimeService();
        this.restore = new SiteRestore(steps);
        this.progress = progress;
        this.settings = settings;
        this.poll = settings.inProcessWorker() && jobExecutor;
        this.workerId = "in-process@" + ManagementFactory.getRuntimeMXBean().getName();
        BY_ENGINE.put(engine, this);
    }

    /** The in-process worker of {@code engine}, if it has one. */
    public static Optional<InProcessRestoreWorker> of(ProcessEngine engine) {
        return Optional.ofNullable(BY_ENGINE.get(engine));
    }

    /** One task served: its id, and the worker's own failure if the task could not be carried out. */
    public record Served(String taskId, Optional<String> workerFailure) {
    }

    /**
     * Fetches and carries out the restore tasks due now, of one process instance whatever its site, or (when
     * null) of any drill of this node's site; returns what it served, nothing when no task was due.
     */
    public List<Served> serve(String processInstanceId) {
        return serve(processInstanceId, settings.retries());
    }

    /** As {@link #serve(String)}, with the retries a failure of the worker's own leaves (0: an incident at once). */
    public List<Served> serve(String processInstanceId, int retries) {
        if (processInstanceId != null && runtime.createProcessInstanceQuery().processInstanceId(processInstanceId)
                .active().count() == 0) {
            return List.of();
        }
        ExternalTaskQueryTopicBuilder fetch = externalTasks.fetchAndLock(1, workerId)
                .topic(SiteRestore.TOPIC, settings.lock().toMillis())
                .variables(MANIFEST_PATH.name(), MANIFEST_SHA256.name(), EVIDENCE_DIR.name(), RUN_ID.name(),
                        DrDrillProcess.Variables.CURRENT_TIME.name());
        if (processInstanceId != null) {
            Optional<String> runId = RUN_ID.from(runtime.getVariables(processInstanceId, List.of(RUN_ID.name())));
            if (runId.isEmpty()) {
                return List.of();
            }
            fetch = fetch.processInstanceVariableEquals(RUN_ID.name(), runId.get());
        } else {
            fetch = fetch.processInstanceVariableEquals(RESTORE_SITE.name(), settings.inProcessSite());
        }
        List<Served> served = new ArrayList<>();
        for (LockedExternalTask task : fetch.execute()) {
            served.add(carryOut(task, retries));
        }
        return served;
    }

    private Served carryOut(LockedExternalTask task, int retries) {
        ScheduledFuture<?> keepLocked = lockKeeper.scheduleAtFixedRate(() -> extend(task),
                settings.extendEvery().toMillis(), settings.extendEvery().toMillis(), TimeUnit.MILLISECONDS);
        try {
            VariableMap variables = task.getVariables();
            SiteRestore.Request request = new SiteRestore.Request(
                    MANIFEST_PATH.from(variables).orElseThrow(() -> new IllegalStateException("the manifest was not loaded")),
                    MANIFEST_SHA256.from(variables).orElseThrow(() -> new IllegalStateException("no manifest digest")),
                    DrillNow.of(variables), EVIDENCE_DIR.from(variables)
                    .orElseThrow(() -> new IllegalStateException("no evidence folder")),
                    RUN_ID.from(variables).orElse(null));
            SiteRestore.Outcome outcome = restore.run(request, progress.current());
            keepLocked.cancel(false);
            Map<String, Object> reported = outcome.variables(json -> SpinValues.jsonValue(json).create());
            // the logs are already in this drill's evidence folder: only the worker's name goes back with them
            Map<String, Object> worker = new java.util.HashMap<>();
            RESTORE_WORKER.put(worker, workerId);
            if (outcome.failure().isPresent()) {
                reported.putAll(worker);
                externalTasks.handleBpmnError(task.getId(), workerId, outcome.failure().get().errorCode(),
                        outcome.failure().get().message(), reported);
            } else {
                externalTasks.complete(task.getId(), workerId, reported, worker);
            }
            return new Served(task.getId(), Optional.empty());
        } catch (RuntimeException e) {
            keepLocked.cancel(false);
            String message = "restore worker " + workerId + " could not carry out the restore: "
                    + Text.shorten(String.valueOf(e.getMessage()), 500);
            LOG.warn("{}", message, e);
            int left = Math.max(0, (task.getRetries() == null ? retries : task.getRetries()) - 1);
            externalTasks.handleFailure(task.getId(), workerId, Text.shorten(message, 600), e.toString(), left,
                    settings.retryAfter().toMillis());
            return new Served(task.getId(), Optional.of(message));
        }
    }

    private void extend(LockedExternalTask task) {
        try {
            externalTasks.extendLock(task.getId(), workerId, settings.lock().toMillis());
        } catch (RuntimeException e) {
            LOG.warn("could not extend the lock of restore task {}: {}", task.getId(), e.getMessage());
        }
    }

    @Override
    public void start() {
        running = true;
        if (!poll) {
            return;
        }
        Thread thread = new Thread(this::pollUntilStopped, "dr-restore-worker");
        thread.setDaemon(true);
        poller = thread;
        thread.start();
    }

    private void pollUntilStopped() {
        while (running) {
            try {
                if (serve(null).isEmpty()) {
                    Thread.sleep(settings.poll().toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warn("restore worker could not fetch tasks: {}", e.getMessage());
                try {
                    Thread.sleep(settings.poll().toMillis() * 4);
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public void stop() {
        running = false;
        Thread thread = poller;
        if (thread != null) {
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        lockKeeper.shutdownNow();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops before the engine does, so the last restore reports while the engine still takes it. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 1;
    }
}
