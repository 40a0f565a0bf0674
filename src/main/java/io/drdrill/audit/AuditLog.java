package io.drdrill.audit;

import io.drdrill.evidence.AuditChain;
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
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The live audit log: a history event handler beside the engine's database handler. The lines of one command are
 * kept until its transaction commits, then appended to {@code <drdrill.audit.dir>/audit-YYYY-MM-DD-<node>.ndjson}
 * (UTC date; node = {@code drdrill.audit.node}, default the host name), continuing the file's hash chain, and
 * forced to disk; work that rolls back writes nothing. On only when {@code drdrill.audit.dir} is set.
 */
@Component
@ConditionalOnProperty("drdrill.audit.dir")
public class AuditLog extends AbstractProcessEnginePlugin {

    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);

    private final Path dir;
    private final String node;
    private final Clock clock;
    private final Map<CommandContext, List<Pending>> pending =
            Collections.synchronizedMap(new IdentityHashMap<>());

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
            HistoryLines.live(event).ifPresent(line -> pending
                    .computeIfAbsent(Context.getCommandContext(), AuditLog.this::afterCommit)
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

    private List<Pending> afterCommit(CommandContext context) {
        context.getTransactionContext().addTransactionListener(TransactionState.COMMITTED, committed -> write(context));
        context.getTransactionContext().addTransactionListener(TransactionState.ROLLED_BACK,
                rolledBack -> pending.remove(context));
        return new ArrayList<>();
    }

    private void write(CommandContext context) {
        List<Pending> events = pending.remove(context);
        if (events == null || events.isEmpty()) {
            return;
        }
        List<Map<String, Object>> lines = new ArrayList<>(events.stream().map(Pending::withId).toList());
        lines.sort(HistoryLines.ORDER);
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
