package io.drdrill.audit;

import io.drdrill.evidence.AuditChain;
import io.drdrill.evidence.EvidencePaths;
import io.drdrill.process.EvidenceObserver;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.cfg.TransactionState;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.history.event.HistoryEvent;
import org.camunda.bpm.engine.impl.history.handler.HistoryEventHandler;
import org.camunda.bpm.engine.impl.interceptor.CommandContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The live audit log: a history event handler beside the engine's database handler. The lines of one command are
 * kept until its transaction commits, then appended to {@code <drdrill.audit.dir>/audit-YYYY-MM-DD-<node>.ndjson}
 * (UTC date; node = {@code drdrill.audit.node}, default the host name), continuing the file's hash chain, and
 * forced to disk; work that rolls back writes nothing. A command that wrote a drill's evidence (the verdict, a
 * review, a sign-off) also leaves a line binding those files by their SHA-256 to the run, after its history lines.
 * On only when {@code drdrill.audit.dir} is set.
 */
@Component
@ConditionalOnProperty("drdrill.audit.dir")
public class AuditLog extends AbstractProcessEnginePlugin implements EvidenceObserver {

    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);

    private final Path dir;
    private final String node;
    private final Clock clock;
    private final Map<CommandContext, Batch> pending = Collections.synchronizedMap(new IdentityHashMap<>());

    public AuditLog(@Value("${drdrill.audit.dir}") Path dir, @Value("${drdrill.audit.node:}") String node) {
        this.dir = dir.toAbsolutePath().normalize();
        this.node = safe(node.isBlank() ? hostName() : node);
        this.clock = Clock.systemUTC();
    }

    /** The file lines committed today go to. */
    public Path today() {
        return dir.resolve("audit-" + LocalDate.now(clock.withZone(ZoneOffset.UTC)) + "-" + node + ".ndjson");
    }

    @Override
    public void preInit(ProcessEngineConfigurationImpl configuration) {
        List<HistoryEventHandler> handlers = new ArrayList<>();
        if (configuration.getCustomHistoryEventHandlers() != null) {
            handlers.addAll(configuration.getCustomHistoryEventHandlers());
        }
        handlers.add(new Handler());
        configuration.setCustomHistoryEventHandlers(handlers);
    }

    private final class Handler implements HistoryEventHandler {

        @Override
        public void handleEvent(HistoryEvent event) {
            // mapped now (the engine reuses event objects for later events of the same instance), but this handler
            // runs before the database handler, which gives new events their ids: the id is read at commit
            HistoryLines.live(event).ifPresent(line -> batch(Context.getCommandContext()).lines
                    .add(new Pending(line, event)));
        }

        @Override
        public void handleEvents(List<HistoryEvent> events) {
            events.forEach(this::handleEvent);
        }
    }

    private record Pending(Map<String, Object> line, HistoryEvent event) {
        Map<String, Object> withId() {
            if (line.get("id") == null) {
                line.put("id", event.getId());
            }
            return line;
        }
    }

    /** A drill's evidence to bind once the command commits. */
    private record Bound(String runId, String processInstanceId, EvidencePaths paths) {
    }

    /** What one command leaves for the log: its history lines, then its drills' evidence (one line per folder). */
    private static final class Batch {
        final List<Pending> lines = new ArrayList<>();
        final Map<Path, Bound> bound = new LinkedHashMap<>();
    }

    /**
     * Binds the evidence a command wrote: once it commits, a line after its history lines names the run, the
     * process instance and each file's SHA-256 as the file stands then. Written again, bound again.
     */
    @Override
    public void written(String runId, String processInstanceId, EvidencePaths paths) {
        CommandContext context = Context.getCommandContext();
        if (context == null) {
            write(List.of(), List.of(new Bound(runId, processInstanceId, paths)));
            return;
        }
        batch(context).bound.put(paths.evidenceDir(), new Bound(runId, processInstanceId, paths));
    }

    private Batch batch(CommandContext context) {
        return pending.computeIfAbsent(context, this::afterCommit);
    }

    private Batch afterCommit(CommandContext context) {
        context.getTransactionContext().addTransactionListener(TransactionState.COMMITTED, committed -> {
            Batch batch = pending.remove(context);
            if (batch != null) {
                write(batch.lines, List.copyOf(batch.bound.values()));
            }
        });
        context.getTransactionContext().addTransactionListener(TransactionState.ROLLED_BACK,
                rolledBack -> pending.remove(context));
        return new Batch();
    }

    private void write(List<Pending> events, List<Bound> bound) {
        List<Map<String, Object>> lines = new ArrayList<>(events.stream().map(Pending::withId).toList());
        lines.sort(HistoryLines.ORDER);
        Instant now = clock.instant();
        for (Bound evidence : bound) {
            try {
                lines.add(EngineHistory.binding(evidence.runId(), evidence.processInstanceId(), evidence.paths(), now));
            } catch (IOException | RuntimeException e) {
                LOG.error("audit log: the evidence of {} in {} is not bound: {}", evidence.runId(),
                        evidence.paths().evidenceDir(), e.toString());
            }
        }
        if (lines.isEmpty()) {
            return;
        }
        Path file = today();
        try {
            AuditChain.append(file, lines);
        } catch (IOException | RuntimeException e) {
            // the work is committed and cannot be undone; audit export recovers these lines from the database
            LOG.error("audit log {}: {} lines not written: {}", file, lines.size(), e.toString());
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "node";
        }
    }

    private static String safe(String name) {
        String safe = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return safe.isEmpty() || safe.startsWith(".") ? "node" + safe : safe;
    }
}
