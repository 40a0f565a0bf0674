package io.drdrill.cli;

import io.drdrill.alerting.AlertSettings;
import io.drdrill.alerts.AlertNotDelivered;
import io.drdrill.audit.EngineHistory;
import io.drdrill.evidence.EvidencePaths;
import io.drdrill.evidence.EvidenceWriter;
import io.drdrill.process.DrDrillProcess;
import io.drdrill.process.DrillResult;
import io.drdrill.process.DrillResults;
import io.drdrill.process.InProcessRestoreWorker;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.Job;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs one {@code dr-drill} instance to its end on this engine, in this thread: the job executor is off in
 * headless mode, so each asynchronous step is executed here, in order, as soon as it is due, and the restore's
 * external task is served here by the in-process worker as soon as the job before it created it. An alert the
 * receivers do not take is tried {@code drdrill.alerts.headless-attempts} times and then reported beside the
 * verdict: it never turns a drill's verdict into "not carried out". Before the engine stops, the instance's
 * engine history is written to its evidence folder ({@link EngineHistory#writeEvidence}).
 */
@Component
public class HeadlessDrill {

    private final RuntimeService runtime;
    private final InProcessRestoreWorker restores;
    private final ManagementService management;
    private final DrillResults results;
    private final int alertAttempts;
    private final EngineHistory history;
    private final EvidenceWriter writer;

    public HeadlessDrill(RuntimeService runtime, ManagementService management, DrillResults results,
                         AlertSettings alerts, EngineHistory history, EvidenceWriter writer,
                         InProcessRestoreWorker restores) {
        this.history = history;
        this.writer = writer;
        this.runtime = runtime;
        this.restores = restores;
        this.management = management;
        this.results = results;
        this.alertAttempts = alerts.headlessAttempts();
    }

    /**
     * A drill's verdict, and why its alert was not sent if it was not.
     *
     * @param alertNotSent the last failure of an alert given up on after its attempts
     */
    public record Finished(DrillResult result, Optional<String> alertNotSent) {
    }

    /** @throws DrillNotFinished when a job fails for a reason the process model does not handle */
    public Finished run(Map<String, Object> variables) {
        String id = runtime.startProcessInstanceByKey(DrDrillProcess.PROCESS_KEY, variables).getId();
        Finished finished;
        try {
            finished = runJobs(id);
        } catch (DrillNotFinished e) {
            try {
                writeHistory(id, variables);
            } catch (RuntimeException unwritten) {
                e.addSuppressed(unwritten);
            }
            throw e;
        }
        writeHistory(id, variables);
        return finished;
    }

    /** The instance's engine history into the evidence folder, with the report, events and metrics bound. */
    private void writeHistory(String id, Map<String, Object> variables) {
        Optional<java.nio.file.Path> dir = DrDrillProcess.Variables.EVIDENCE_DIR.from(variables);
        if (dir.isEmpty()) {
            return;
        }
        EvidencePaths paths = new EvidencePaths(
                DrDrillProcess.Variables.REPORT_PATH.from(variables).orElse(dir.get().resolve(EvidencePaths.REPORT_FILE)),
                DrDrillProcess.Variables.EVENTS_PATH.from(variables).orElse(dir.get().resolve(EvidencePaths.EVENTS_FILE)),
                dir.get());
        try {
            history.writeEvidence(id, paths);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + paths.engineHistory() + ": " + e.getMessage(), e);
        }
        // the verdict's attestation, issued again now that the engine history is in place to be a subject
        if (java.nio.file.Files.isRegularFile(paths.report())) {
            writer.attest(paths.report(), paths.evidenceDir());
        }
    }

    private Finished runJobs(String id) {
        Optional<String> alertNotSent = Optional.empty();
        for (List<Job> jobs = due(id); !jobs.isEmpty() || servedRestore(id); jobs = due(id)) {
            for (Job job : jobs) {
                try {
                    management.executeJob(job.getId());
                } catch (RuntimeException e) {
                    if (!isAlert(job)) {
                        throw new DrillNotFinished(id, e);
                    }
                    alertNotSent = retryAlert(job, e);
                }
            }
        }
        DrillResult result = results.of(id);
        if (result.status().isEmpty()) {
            throw new DrillNotFinished(id, new IllegalStateException("process instance " + id + " did not end"));
        }
        return new Finished(result, alertNotSent);
    }

    /**
     * Serves the drill's "Restore at the recovery site" in this thread when the jobs before it are done; a failure
     * of the worker's own stops the drill (there is nobody to retry it later).
     */
    private boolean servedRestore(String id) {
        List<InProcessRestoreWorker.Served> served = restores.serve(id, 0);
        served.stream().flatMap(s -> s.workerFailure().stream()).findFirst().ifPresent(failure -> {
            throw new DrillNotFinished(id, new IllegalStateException(failure));
        });
        return !served.isEmpty();
    }

    private boolean isAlert(Job job) {
        return DrDrillProcess.Elements.ALERT_TASKS.contains(management.createJobDefinitionQuery()
                .jobDefinitionId(job.getJobDefinitionId()).singleResult().getActivityId());
    }

    /**
     * Tries a failed alert again, at once, up to the attempts headless mode allows (there is no job executor to
     * retry it later, and the in-memory engine ends with the command); empty once it was sent.
     */
    private Optional<String> retryAlert(Job job, RuntimeException first) {
        RuntimeException last = first;
        for (int attempt = 2; attempt <= alertAttempts; attempt++) {
            try {
                management.executeJob(job.getId());
                return Optional.empty();
            } catch (RuntimeException e) {
                last = e;
            }
        }
        return Optional.of(alertMessage(last) + " (" + alertAttempts + " attempt" + (alertAttempts == 1 ? "" : "s")
                + ")");
    }

    /** The delivery failure's own message (it names the channels), else the root cause's. */
    static String alertMessage(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof AlertNotDelivered) {
                return cause.getMessage();
            }
        }
        return DrillNotFinished.rootMessage(e);
    }

    private List<Job> due(String processInstanceId) {
        return management.createJobQuery().processInstanceId(processInstanceId).executable().list();
    }

    /** A drill that stopped on an engine-level failure (an incident in a server). */
    public static final class DrillNotFinished extends RuntimeException {
        public DrillNotFinished(String processInstanceId, Throwable cause) {
            super("drill " + processInstanceId + " stopped: " + rootMessage(cause), cause);
        }

        static String rootMessage(Throwable e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        }
    }
}
