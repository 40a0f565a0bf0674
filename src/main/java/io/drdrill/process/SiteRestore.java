package io.drdrill.process;

import io.drdrill.drill.DrillContext;
import io.drdrill.drill.DrillSteps;
import io.drdrill.evidence.DrillEvent;
import io.drdrill.manifest.Manifest;
import io.drdrill.policy.PolicyViolation;
import io.drdrill.restore.RestoreTurn;
import io.drdrill.step.DrDrillError;
import io.drdrill.step.Progress;
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
        for (StepName step : STEPS) {
            Instant started = Instant.now();
            progress.stepStarted(step);
            try {
                Manifest manifest = steps.reloadManifest(request.manifestPath(), request.manifestSha256());
                turn.take(manifest.restore().outputDir(), manifest.backup().path());
                StepResult result = steps.run(step, new DrillContext(manifest, request.now(), request.evidenceDir(),
                        rto, key, progress));
                records.add(StepRecord.of(step, request.runId(), started, DrillEvent.Status.SUCCESS, result.notes(),
                        result.facts()));
                if (result.measures().rtoSeconds().isPresent()) {
                    rto = result.measures().rtoSeconds();
                }
                if (result.measures().restoredFileKey().isPresent()) {
                    key = result.measures().restoredFileKey();
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
