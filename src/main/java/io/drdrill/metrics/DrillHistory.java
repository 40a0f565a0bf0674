package io.drdrill.metrics;

import io.drdrill.manifest.ManifestCatalog;
import io.drdrill.process.DrDrillProcess;
import io.drdrill.process.ProcessVariable;
import io.drdrill.process.StepRecord;
import io.drdrill.release.ReleaseSignoffProcess;
import io.drdrill.step.StepName;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.history.HistoricVariableInstance;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

import static io.drdrill.process.DrDrillProcess.Variables.DRILL_STATUS;
import static io.drdrill.process.DrDrillProcess.Variables.FAILED_STAGE;
import static io.drdrill.process.DrDrillProcess.Variables.MANIFEST;
import static io.drdrill.process.DrDrillProcess.Variables.MAX_RPO_MINUTES;
import static io.drdrill.process.DrDrillProcess.Variables.MAX_RTO_SECONDS;
import static io.drdrill.process.DrDrillProcess.Variables.RPO_MINUTES;
import static io.drdrill.process.DrDrillProcess.Variables.RTO_SECONDS;

/**
 * What the metrics report, read from the engine's history and runtime — never from the drill itself, so the
 * figures survive a restart and the process model knows nothing about metrics. Read at most once per
 * {@code maxAge}: a scrape costs a handful of queries every few seconds, whatever the number of meters.
 */
public class DrillHistory {

    /** Label value of {@code failed_stage} for a drill that did not fail at a step. */
    public static final String NO_STAGE = "none";

    private static final List<ProcessVariable<?>> VERDICT = List.of(MANIFEST, DRILL_STATUS, FAILED_STAGE,
            RTO_SECONDS, RPO_MINUTES, MAX_RTO_SECONDS, MAX_RPO_MINUTES);

    private final HistoryService history;
    private final TaskService tasks;
    private final RuntimeService runtime;
    private final ManifestCatalog catalog;
    private final Duration maxAge;
    private final Set<String> stepRecordsSeen = new HashSet<>();
    private Instant stepRecordsSince = Instant.EPOCH;
    private Snapshot snapshot;
    private Instant readAt = Instant.MIN;

    public DrillHistory(HistoryService history, TaskService tasks, RuntimeService runtime, ManifestCatalog catalog,
                        Duration maxAge) {
        this.history = history;
        this.tasks = tasks;
        this.runtime = runtime;
        this.catalog = catalog;
        this.maxAge = maxAge;
    }

    /** One drill's outcome as a counter's labels. */
    public record Outcome(String manifest, String outcome, String failedStage) {
    }

    /** The latest figures of one manifest; {@code NaN} where no drill measured them. */
    public record Figures(double lastRtoSeconds, double lastRpoMinutes, double lastSuccessEpochSeconds,
                          double rtoLimitSeconds, double rpoLimitMinutes) {
        static final Figures NONE = new Figures(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }

    /** Everything a scrape reports, as of one reading. */
    public record Snapshot(Map<Outcome, Long> drills, Map<String, Figures> manifests, long openReviews,
                           long openApprovals, long openIncidents) {

        public Figures figures(String manifest) {
            return manifests.getOrDefault(manifest, Figures.NONE);
        }
    }

    /**
     * The current snapshot, read again when older than {@code maxAge}; new step records since the last reading
     * are handed to {@code newStepDurations} once each.
     */
    public synchronized Snapshot current(Consumer<Map.Entry<StepName, Duration>> newStepDurations) {
        Instant now = Instant.now();
        if (snapshot == null || readAt.plus(maxAge).isBefore(now)) {
            snapshot = read();
            readAt = now;
            stepDurations(newStepDurations);
        }
        return snapshot;
    }

    private Snapshot read() {
        Map<String, Map<String, HistoricVariableInstance>> byInstance = new HashMap<>();
        for (HistoricVariableInstance variable : history.createHistoricVariableInstanceQuery()
                .processDefinitionKey(DrDrillProcess.PROCESS_KEY)
                .variableNameIn(VERDICT.stream().map(ProcessVariable::name).toArray(String[]::new))
                .disableBinaryFetching().list()) {
            byInstance.computeIfAbsent(variable.getProcessInstanceId(), id -> new HashMap<>())
                    .put(variable.getName(), variable);
        }
        Set<String> inCatalog = new TreeSet<>(catalog.list());
        Map<String, Boolean> resolvable = new HashMap<>();
        Map<Outcome, Long> drills = new HashMap<>();
        Map<String, Latest> latest = new HashMap<>();
        for (Map<String, HistoricVariableInstance> drill : byInstance.values()) {
            Map<String, Object> values = new HashMap<>();
            drill.forEach((name, variable) -> {
                if (variable.getValue() != null) {
                    values.put(name, variable.getValue());
                }
            });
            Optional<String> manifest = MANIFEST.from(values);
            Optional<String> status = DRILL_STATUS.from(values);
            if (manifest.isEmpty() || status.isEmpty() || !resolvable.computeIfAbsent(manifest.get(),
                    name -> inCatalog.contains(name) || inCatalog(name))) {
                continue;
            }
            drills.merge(new Outcome(manifest.get(), status.get(), FAILED_STAGE.from(values).orElse(NO_STAGE)),
                    1L, Long::sum);
            Instant ended = drill.get(DRILL_STATUS.name()).getCreateTime().toInstant();
            latest.computeIfAbsent(manifest.get(), name -> new Latest()).add(ended, status.get(), values);
        }
        Map<String, Figures> manifests = new HashMap<>();
        inCatalog.forEach(name -> manifests.put(name, Figures.NONE));
        latest.forEach((name, figures) -> manifests.put(name, figures.figures()));
        return new Snapshot(Map.copyOf(drills), Map.copyOf(manifests), openReviews(), openApprovals(),
                runtime.createIncidentQuery().count());
    }

    private boolean inCatalog(String name) {
        try {
            catalog.resolve(name);
            return true;
        } catch (RuntimeException notInCatalog) {
            return false;
        }
    }

    private long openReviews() {
        return tasks.createTaskQuery().processDefinitionKey(DrDrillProcess.PROCESS_KEY)
                .taskDefinitionKeyIn(DrDrillProcess.Elements.TASK_REVIEW_DRILL_FAILURE,
                        DrDrillProcess.Elements.TASK_REVIEW_POLICY_VIOLATION).count();
    }

    private long openApprovals() {
        return tasks.createTaskQuery().processDefinitionKey(ReleaseSignoffProcess.PROCESS_KEY)
                .taskDefinitionKey(ReleaseSignoffProcess.Elements.TASK_APPROVE_RELEASE).count();
    }

    /** Step records written since the last reading (all of them at the first one: the histogram survives a restart). */
    private void stepDurations(Consumer<Map.Entry<StepName, Duration>> sink) {
        Map<String, StepName> names = new HashMap<>();
        for (StepName step : StepName.values()) {
            names.put(DrDrillProcess.Variables.stepRecord(step).name(), step);
        }
        // a little overlap: records created in the same instant as the last reading are recognised by their id
        Instant since = stepRecordsSince.minusSeconds(60);
        List<HistoricVariableInstance> records = history.createHistoricVariableInstanceQuery()
                .processDefinitionKey(DrDrillProcess.PROCESS_KEY)
                .variableNameIn(names.keySet().toArray(String[]::new))
                .createdAfter(Date.from(since.isBefore(Instant.EPOCH) ? Instant.EPOCH : since))
                .disableCustomObjectDeserialization().list();
        Set<String> current = new HashSet<>();
        for (HistoricVariableInstance variable : records) {
            current.add(variable.getId());
            if (!stepRecordsSeen.add(variable.getId())) {
                continue;
            }
            StepName step = names.get(variable.getName());
            Optional<StepRecord> record = DrDrillProcess.Variables.stepRecord(step)
                    .from(Map.of(variable.getName(), variable.getTypedValue()));
            record.map(StepRecord::event).filter(e -> e.startedAt() != null && e.endedAt() != null)
                    .ifPresent(e -> sink.accept(Map.entry(step, Duration.between(e.startedAt(), e.endedAt()))));
            Instant created = variable.getCreateTime().toInstant();
            if (created.isAfter(stepRecordsSince)) {
                stepRecordsSince = created;
            }
        }
        // only ids inside the overlap can be seen again
        stepRecordsSeen.retainAll(current);
    }

    /** The latest drill of a manifest, and the latest that measured each figure. */
    private static final class Latest {
        private final Map<String, Instant> at = new HashMap<>();
        private final Map<String, Double> value = new HashMap<>();

        void add(Instant ended, String status, Map<String, Object> values) {
            for (ProcessVariable<Double> figure : List.of(RTO_SECONDS, RPO_MINUTES, MAX_RTO_SECONDS, MAX_RPO_MINUTES)) {
                figure.from(values).ifPresent(v -> keep(figure.name(), ended, v));
            }
            if ("passed".equals(status)) {
                keep("success", ended, ended.toEpochMilli() / 1000.0);
            }
        }

        private void keep(String name, Instant when, double v) {
            Instant before = at.get(name);
            if (before == null || when.isAfter(before)) {
                at.put(name, when);
                value.put(name, v);
            }
        }

        Figures figures() {
            return new Figures(get(RTO_SECONDS.name()), get(RPO_MINUTES.name()), get("success"),
                    get(MAX_RTO_SECONDS.name()), get(MAX_RPO_MINUTES.name()));
        }

        private double get(String name) {
            return value.getOrDefault(name, Double.NaN);
        }
    }
}
