package io.drdrill.cli;

import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.stereotype.Component;

import com.sun.management.HotSpotDiagnosticMXBean;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a command's start-up goes, for whoever tunes it: with {@code DR_DRILL_STARTUP_TIMINGS=1} the command prints,
 * on stderr after its verdict, the seconds from the launcher to the JVM, to {@code main}, through the Spring context,
 * the engine's configuration (most of it MyBatis reading the engine's mapping XML), the engine build (schema), the
 * deployment, the drill and the shutdown, and which compilers the JVM runs. Without the variable every mark is a
 * no-op. The engine hooks are an engine plugin and a bean post-processor that sees the built engine (the
 * auto-deployment has run by then).
 */
@Component
public class StartupTimings extends AbstractProcessEnginePlugin implements BeanPostProcessor {

    static final String ENV = "DR_DRILL_STARTUP_TIMINGS";
    /** Set by {@code bin/dr-drill}: the epoch nanoseconds at which the launcher started. */
    static final String LAUNCH_ENV = "DR_DRILL_LAUNCH_NS";

    /** The phases in the order they end; each phase runs from the previous mark to its own. */
    public enum Mark {
        JVM("launcher to JVM start"),
        MAIN("JVM start to main (class loading, picocli)"),
        SPRING("main to Spring start (option checks)"),
        ENGINE_INIT("Spring context up to the engine"),
        ENGINE_CONFIGURED("engine configuration (MyBatis mappings)"),
        ENGINE_BUILT("engine build (schema)"),
        DEPLOYED("deployment"),
        READY("rest of the Spring context"),
        DRILL("drill (steps, evidence, history)"),
        CLOSED("shutdown (engine, context)");

        private final String label;

        Mark(String label) {
            this.label = label;
        }
    }

    private static final boolean ON = "1".equals(System.getenv(ENV));
    private static final Instant[] AT = new Instant[Mark.values().length];

    /** Records the end of a phase (the first time only); nothing unless timings are asked for. */
    public static void mark(Mark mark) {
        if (ON && AT[mark.ordinal()] == null) {
            AT[mark.ordinal()] = Instant.now();
        }
    }

    /** Prints the phases that were reached, one line each, and the total; nothing unless timings are asked for. */
    public static void print(PrintWriter err) {
        if (!ON) {
            return;
        }
        Optional<Instant> launched = launch();
        Instant start = launched.orElse(null);
        List<String> lines = new ArrayList<>();
        Instant first = null;
        Instant last = null;
        for (Mark mark : Mark.values()) {
            Instant at = mark == Mark.JVM ? jvmStart().orElse(null) : AT[mark.ordinal()];
            if (at == null) {
                continue;
            }
            if (start != null) {
                lines.add(String.format(Locale.ROOT, "[dr-drill] start-up %-45s %6.2f s", mark.label,
                        seconds(start, at)));
            }
            first = first == null ? (start != null ? start : at) : first;
            start = at;
            last = at;
        }
        if (first != null && last != null) {
            lines.add(String.format(Locale.ROOT, "[dr-drill] start-up %-45s %6.2f s", "total", seconds(first, last)));
        }
        lines.add("[dr-drill] start-up: compilers " + compilers());
        double[] early = EarlyMappings.readAndWaitSeconds();
        if (early[0] >= 0 && early[1] >= 0) {
            lines.add(String.format(Locale.ROOT, "[dr-drill] start-up: engine mappings read early in %.2f s on their own"
                    + " thread; the engine waited %.2f s for them", early[0], early[1]));
        }
        double[] built = EarlyMappings.builtOnFirstUse();
        if (built[0] > 0 && early[1] >= 0) {
            lines.add(String.format(Locale.ROOT, "[dr-drill] start-up: %d engine statements built on first use, in %.2f s"
                    + " in all", (int) built[0], built[1]));
        }
        if (EarlyMappings.lateReads() > 0) {
            lines.add("[dr-drill] start-up: the deferred engine mappings were read late, for "
                    + EarlyMappings.lateReadFor());
        }
        lines.forEach(err::println);
        err.flush();
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e9;
    }

    private static Optional<Instant> launch() {
        try {
            String ns = System.getenv(LAUNCH_ENV);
            if (ns == null || ns.isBlank()) {
                return Optional.empty();
            }
            long value = Long.parseLong(ns.trim());
            return Optional.of(Instant.ofEpochSecond(value / 1_000_000_000L, value % 1_000_000_000L));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * When the JVM started, as it recorded it (milliseconds). Not the process's start: the launcher's shell becomes
     * the JVM ({@code exec}), and the kernel's start time, besides, is rounded to the boot time's second.
     */
    private static Optional<Instant> jvmStart() {
        return Optional.of(Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime()));
    }

    /** Which compilers the JVM runs: the launcher runs drills of small files on C1 alone. */
    static String compilers() {
        HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        try {
            boolean tiered = Boolean.parseBoolean(hotspot.getVMOption("TieredCompilation").getValue());
            String stop = hotspot.getVMOption("TieredStopAtLevel").getValue();
            return !tiered ? "C2 only" : "1".equals(stop) || "2".equals(stop) || "3".equals(stop) ? "C1 only"
                    : "C1 and C2";
        } catch (IllegalArgumentException notHotSpot) {
            return "unknown";
        }
    }

    @Override
    public void preInit(ProcessEngineConfigurationImpl configuration) {
        mark(Mark.ENGINE_INIT);
    }

    @Override
    public void postInit(ProcessEngineConfigurationImpl configuration) {
        mark(Mark.ENGINE_CONFIGURED);
    }

    @Override
    public void postProcessEngineBuild(ProcessEngine engine) {
        mark(Mark.ENGINE_BUILT);
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof ProcessEngine) {
            mark(Mark.DEPLOYED);
        }
        return bean;
    }
}
