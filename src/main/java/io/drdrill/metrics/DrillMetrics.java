package io.drdrill.metrics;

import io.drdrill.step.StepName;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * The drill's meters for Prometheus, all computed from {@link DrillHistory}: {@code drdrill_drills_total} is a
 * function counter over the history's count of drills per manifest, outcome and failed stage (so it is the same
 * after a restart); the gauges read the latest figures; {@code drdrill_step_duration_seconds} is a histogram fed
 * once with every step record of the history at start, then with each new one. Meters for a new manifest or
 * outcome are registered when a reading first finds them, so they show from the next scrape on.
 */
public class DrillMetrics implements MeterBinder {

    private static final Logger LOG = LoggerFactory.getLogger(DrillMetrics.class);

    private final DrillHistory history;
    private final Set<Object> registered = ConcurrentHashMap.newKeySet();
    private final Map<StepName, Timer> stepTimers = new ConcurrentHashMap<>();
    private volatile MeterRegistry registry;

    public DrillMetrics(DrillHistory history) {
        this.history = history;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        this.registry = registry;
        for (StepName step : StepName.values()) {
            stepTimers.put(step, Timer.builder("drdrill.step.duration").description("Duration of a drill step")
                    .tag("step", step.id()).publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofHours(2))
                    .register(registry));
        }
        gauge("drdrill.open.reviews", "Failed drills and policy violations waiting for an operator's review",
                Map.of(), s -> s.openReviews());
        gauge("drdrill.open.approvals", "Releases waiting for a second person's approval", Map.of(),
                s -> s.openApprovals());
        gauge("drdrill.incidents", "Open incidents of the engine", Map.of(), s -> s.openIncidents());
        try {
            refresh();
        } catch (RuntimeException notYet) {
            // the first scrape reads the history then
            LOG.warn("drill metrics not read at start: {}", notYet.getMessage());
        }
    }

    /** Reads the history if the last reading is stale, and registers meters for what it found first. */
    DrillHistory.Snapshot refresh() {
        DrillHistory.Snapshot snapshot = history.current(d -> stepTimers.get(d.getKey()).record(d.getValue()));
        MeterRegistry meters = registry;
        if (meters == null) {
            return snapshot;
        }
        for (DrillHistory.Outcome outcome : snapshot.drills().keySet()) {
            if (registered.add(outcome)) {
                FunctionCounter.builder("drdrill.drills", this, m -> m.refresh().drills().getOrDefault(outcome, 0L))
                        .description("Drills that ended, by manifest, outcome and failed stage (from the history)")
                        .tags("manifest", outcome.manifest(), "outcome", outcome.outcome(),
                                "failed_stage", outcome.failedStage())
                        .register(meters);
            }
        }
        for (String manifest : snapshot.manifests().keySet()) {
            if (registered.add("manifest:" + manifest)) {
                Map<String, String> tag = Map.of("manifest", manifest);
                gauge("drdrill.last.rto.seconds", "RTO of the manifest's latest drill that measured one", tag,
                        s -> s.figures(manifest).lastRtoSeconds());
                gauge("drdrill.last.rpo.minutes", "RPO of the manifest's latest drill that measured one", tag,
                        s -> s.figures(manifest).lastRpoMinutes());
                gauge("drdrill.last.success.timestamp.seconds", "When the manifest's latest passing drill ended",
                        tag, s -> s.figures(manifest).lastSuccessEpochSeconds());
                gauge("drdrill.rto.limit.seconds", "The manifest's max_rto_seconds, as its latest drill read it",
                        tag, s -> s.figures(manifest).rtoLimitSeconds());
                gauge("drdrill.rpo.limit.minutes", "The manifest's max_rpo_minutes, as its latest drill read it",
                        tag, s -> s.figures(manifest).rpoLimitMinutes());
            }
        }
        return snapshot;
    }

    private void gauge(String name, String description, Map<String, String> tags,
                       ToDoubleFunction<DrillHistory.Snapshot> value) {
        Gauge.Builder<DrillMetrics> gauge = Gauge.builder(name, this, m -> value.applyAsDouble(m.refresh()))
                .description(description);
        tags.forEach(gauge::tag);
        gauge.register(registry);
    }
}
