package io.drdrill.process;

import io.drdrill.drill.DrillContext;
import io.drdrill.drill.DrillSteps;
import io.drdrill.evidence.DrillEvent;
import io.drdrill.manifest.Manifest;
import io.drdrill.policy.PolicyViolation;
import io.drdrill.restore.RestoreRunner;
import io.drdrill.restore.RestoreTurn;
import io.drdrill.step.DrDrillError;
import io.drdrill.step.Progress;
import io.drdrill.step.RestoredReading;
import io.drdrill.step.StepName;
import io.drdrill.step.StepResult;
import io.drdrill.step.Text;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import static io.drdrill.process.DrDrillProcess.Variables.ERROR_MESSAGE;
import static io.drdrill.process.DrDrillProcess.Variables.ERROR_TYPE;
import static io.drdrill.process.DrDrillProcess.Variables.FAILED_STAGE;
import static io.drdrill.process.DrDrillProcess.Variables.RESTORED_FILE_KEY;
import static io.drdrill.process.DrDrillProcess.Variables.RTO_SECONDS;

/**
 * "Restore at the recovery site": {@code restore_artifact} then {@code validate_restored_backup}, run where the
 * restore happens (the in-process worker or a {@code bin/dr-drill worker} at the recovery site), through the same
 * {@link DrillSteps#run} the delegates call. Whatever runs it reports the {@link Outcome}: both steps' records, the
 * measures, and the failure as a BPMN error code, exactly as {@link DrillStepDelegate} would have set them.
 */
public final class SiteRestore {

    /** The external task topic of {@code Task_RestoreAtSite}. */
    public static final String TOPIC = "dr-restore";
    /** The two steps the task runs, in order. */
    public static final List<StepName> STEPS = List.of(StepName.RESTORE_ARTIFACT, StepName.VALIDATE_RESTORED_BACKUP);

    /**
     * At most this much of each recall log goes back to the server with a worker's report (the server bounds what
     * it receives again): enough to read what a recall did, small enough for one REST call.
     */
    public static final int UPLOADED_LOG_LIMIT_BYTES = 1 << 20;
    static final String UPLOAD_TRUNCATED = "\n[log truncated at " + UPLOADED_LOG_LIMIT_BYTES + " bytes for the server]\n";

    private final DrillSteps steps;

    public SiteRestore(DrillSteps steps) {
        this.steps = steps;
    }

    /**
     * What a worker needs of the drill.
     *
     * @param evidenceDir where the recall logs go on the worker's host
     */
    public record Request(Path manifestPath, String manifestSha256, Instant now, Path evidenceDir, String runId) {
    }

    /** A step the task ran and how it ended. */
    public record Failure(String errorCode, StepName step, String message) {
    }

    /**
     * What the task found: the records of the steps it ran (one or two), the restore's measures and, when a step
     * did not pass, the BPMN error it ends with.
     */
    public record Outcome(List<StepRecord> records, Optional<Double> rtoSeconds, Optional<String> restoredFileKey,
                          Optional<Failure> failure) {

        /**
         * The process variables a worker reports, each value built by {@code json} for JSON records (the engine's
         * Spin value in process, the client's JSON value over REST) or given as plain strings and doubles.
         */
        public Map<String, Object> variables(Function<String, Object> json) {
            Map<String, Object> variables = new LinkedHashMap<>();
            for (StepRecord record : records) {
                StepName step = StepName.byId(record.event().step()).orElseThrow();
                variables.put(DrDrillProcess.Variables.stepRecord(step).name(), json.apply(record.toJsonText()));
            }
            rtoSeconds.ifPresent(rto -> variables.put(RTO_SECONDS.name(), rto));
            restoredFileKey.ifPresent(key -> variables.put(RESTORED_FILE_KEY.name(), key));
            failure.ifPresent(f -> {
                variables.put(FAILED_STAGE.name(), f.step().id());
                variables.put(ERROR_TYPE.name(), f.errorCode());
                variables.put(ERROR_MESSAGE.name(), f.message());
            });
            return variables;
        }
    }

    /**
     * The recall logs a worker at another host sends back with its report, as the variables
     * {@code recallStdoutLog} and {@code recallStderrLog} (each built by {@code bytes}): read from the files the
     * restore step's record names, at most {@link #UPLOADED_LOG_LIMIT_BYTES} each. A log that cannot be read is
     * left out; the report goes back all the same.
     */
    public static Map<String, Object> logUploads(Outcome outcome, Function<byte[], Object> bytes) {
        Map<String, Object> uploads = new LinkedHashMap<>();
        for (StepRecord record : outcome.records()) {
            if (!StepName.RESTORE_ARTIFACT.id().equals(record.event().step())) {
                continue;
            }
            readBounded(record.facts().get(RestoreRunner.STDOUT_FACT))
                    .ifPresent(log -> uploads.put(DrDrillProcess.Variables.RECALL_STDOUT_UPLOAD.name(), bytes.apply(log)));
            readBounded(record.facts().get(RestoreRunner.STDERR_FACT))
                    .ifPresent(log -> uploads.put(DrDrillProcess.Variables.RECALL_STDERR_UPLOAD.name(), bytes.apply(log)));
        }
        return uploads;
    }

    private static Optional<byte[]> readBounded(Object path) {
        if (!(path instanceof String file)) {
            return Optional.empty();
        }
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(Path.of(file),
                java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            byte[] head = in.readNBytes(UPLOADED_LOG_LIMIT_BYTES + 1);
            if (head.length <= UPLOADED_LOG_LIMIT_BYTES) {
                return Optional.of(head);
            }
            byte[] marker = UPLOAD_TRUNCATED.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            byte[] kept = java.util.Arrays.copyOf(head, UPLOADED_LOG_LIMIT_BYTES + marker.length);
            System.arraycopy(marker, 0, kept, UPLOADED_LOG_LIMIT_BYTES, marker.length);
            return Optional.of(kept);
        } catch (java.io.IOException | RuntimeException unreadable) {
            return Optional.empty();
        }
    }

    /**
     * Runs both steps; a step that fails stops the task there. Never throws for what a step finds. Restores into
     * the same output folder take turns ({@link RestoreTurn}), from the restore to the check of the restored copy.
     */
    public Outcome run(Request request, Progress progress) {
        try (RestoreTurn turn = new RestoreTurn()) {
            return run(request, progress, turn);
        }
    }

    private Outcome run(Request request, Progress progress, RestoreTurn turn) {
        List<StepRecord> records = new ArrayList<>();
        Optional<Double> rto = Optional.empty();
        Optional<String> key = Optional.empty();
        Optional<RestoredReading> readBack = Optional.empty();
        for (StepName step : STEPS) {
            Instant started = Instant.now();
            progress.stepStarted(step);
            try {
                Manifest manifest = steps.reloadManifest(request.manifestPath(), request.manifestSha256());
                turn.take(manifest.restore().outputDir(), manifest.backup().path());
                StepResult result = steps.run(step, new DrillContext(manifest, request.now(), request.evidenceDir(),
                        rto, key, progress, Optional.empty(), readBack));
                records.add(StepRecord.of(step, request.runId(), started, DrillEvent.Status.SUCCESS, result.notes(),
                        result.facts()));
                if (result.measures().rtoSeconds().isPresent()) {
                    rto = result.measures().rtoSeconds();
                }
                if (result.measures().restoredFileKey().isPresent()) {
                    key = result.measures().restoredFileKey();
                    readBack = result.measures().restoredReading();
                }
                progress.stepEnded(step, "passed");
            } catch (PolicyViolation violation) {
                progress.stepEnded(step, "policy violation");
                return failed(records, rto, key, step, request, started, DrDrillProcess.Errors.POLICY_VIOLATION,
                        violation.getMessage(), Map.of());
            } catch (DrDrillError error) {
                progress.stepEnded(step, "failed");
                return failed(records, rto, key, step, request, started, DrDrillProcess.Errors.DR_DRILL_ERROR,
                        error.getMessage(), error.facts());
            } catch (RuntimeException technical) {
                progress.stepEnded(step, "failed");
                return failed(records, rto, key, step, request, started, DrDrillProcess.Errors.DR_DRILL_ERROR,
                        "technical failure: " + technical.getClass().getName() + ": " + technical.getMessage(),
                        Map.of());
            }
        }
        return new Outcome(records, rto, key, Optional.empty());
    }

    private static Outcome failed(List<StepRecord> records, Optional<Double> rto, Optional<String> key, StepName step,
                                  Request request, Instant started, String errorCode, String message,
                                  Map<String, Object> facts) {
        records.add(StepRecord.of(step, request.runId(), started, DrillEvent.Status.FAILURE, message, facts));
        String stored = Text.shorten(message, Text.MAX_VARIABLE_CHARS);
        return new Outcome(records, rto, key, Optional.of(new Failure(errorCode, step, stored)));
    }
}
