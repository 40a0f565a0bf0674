package io.drdrill.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drdrill.evidence.AuditChain;
import io.drdrill.evidence.EvidencePaths;
import io.drdrill.process.DrDrillProcess;
import io.drdrill.step.Sha256;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.history.HistoricTaskInstance;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.history.event.HistoricActivityInstanceEventEntity;
import org.camunda.bpm.engine.impl.history.event.HistoricIdentityLinkLogEventEntity;
import org.camunda.bpm.engine.impl.history.event.HistoricIncidentEventEntity;
import org.camunda.bpm.engine.impl.history.event.HistoricProcessInstanceEventEntity;
import org.camunda.bpm.engine.impl.history.event.HistoricTaskInstanceEventEntity;
import org.camunda.bpm.engine.impl.history.event.HistoricVariableUpdateEventEntity;
import org.camunda.bpm.engine.impl.history.event.HistoryEvent;
import org.camunda.bpm.engine.impl.history.event.UserOperationLogEntryEventEntity;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The audit lines of drills that already ran, read from the engine's history tables through the same mapping the
 * live log uses ({@link HistoryLines}), in {@link HistoryLines#ORDER}. Reads run inside one engine command so a
 * serialized variable's text is loaded from its byte array. Also writes a headless drill's
 * {@value EvidencePaths#ENGINE_HISTORY_FILE}: its lines, chained, and a last line binding the report, events,
 * metrics (and the review and sign-off the report names) by their SHA-256.
 */
@Component
public class EngineHistory {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ProcessEngineConfigurationImpl configuration;

    public EngineHistory(ProcessEngine engine) {
        this.configuration = (ProcessEngineConfigurationImpl) engine.getProcessEngineConfiguration();
    }

    /** Every line of one process instance. */
    public List<Map<String, Object>> of(String processInstanceId) {
        return configuration.getCommandExecutorTxRequired().execute(context -> {
            List<Map<String, Object>> lines = collect(processInstanceId);
            lines.sort(HistoryLines.ORDER);
            return lines;
        });
    }

    /**
     * The lines of audited process instances whose time is in {@code [from, to)}.
     *
     * @param processInstanceId only this instance, when given
     */
    public List<Map<String, Object>> between(Instant from, Instant to, Optional<String> processInstanceId) {
        String start = HistoryLines.time(Date.from(from));
        String end = HistoryLines.time(Date.from(to));
        return configuration.getCommandExecutorTxRequired().execute(context -> {
            List<String> ids = new ArrayList<>();
            if (processInstanceId.isPresent()) {
                ids.add(processInstanceId.get());
            } else {
                history().createHistoricProcessInstanceQuery()
                        .processDefinitionKeyIn(HistoryLines.AUDITED.toArray(String[]::new))
                        .startedBefore(Date.from(to)).orderByProcessInstanceStartTime().asc().list()
                        .stream().map(HistoricProcessInstance::getId).forEach(ids::add);
            }
            List<Map<String, Object>> lines = new ArrayList<>();
            for (String id : ids) {
                for (Map<String, Object> line : collect(id)) {
                    String time = (String) line.get("time");
                    if (time != null && time.compareTo(start) >= 0 && time.compareTo(end) < 0) {
                        lines.add(line);
                    }
                }
            }
            lines.sort(HistoryLines.ORDER);
            return lines;
        });
    }

    private HistoryService history() {
        return configuration.getHistoryService();
    }

    private List<Map<String, Object>> collect(String id) {
        List<Map<String, Object>> lines = new ArrayList<>();
        HistoryService history = history();
        for (HistoricProcessInstance pi : history.createHistoricProcessInstanceQuery().processInstanceId(id).list()) {
            if (audited(pi)) {
                lines.addAll(HistoryLines.process((HistoricProcessInstanceEventEntity) pi));
            }
        }
        history.createHistoricActivityInstanceQuery().processInstanceId(id).list().stream()
                .filter(EngineHistory::audited)
                .forEach(ai -> lines.addAll(HistoryLines.activity((HistoricActivityInstanceEventEntity) ai)));
        List<HistoricTaskInstance> tasks = history.createHistoricTaskInstanceQuery().processInstanceId(id).list();
        for (HistoricTaskInstance task : tasks) {
            if (audited(task)) {
                lines.addAll(HistoryLines.task((HistoricTaskInstanceEventEntity) task));
            }
            history.createHistoricIdentityLinkLogQuery().taskId(task.getId()).list().stream()
                    .filter(EngineHistory::audited)
                    .forEach(link -> lines.add(HistoryLines.identityLink((HistoricIdentityLinkLogEventEntity) link)));
        }
        history.createHistoricDetailQuery().processInstanceId(id).variableUpdates()
                .disableCustomObjectDeserialization().list().stream()
                .filter(detail -> detail instanceof HistoricVariableUpdateEventEntity)
                .filter(EngineHistory::audited)
                .forEach(detail -> lines.add(HistoryLines.variable((HistoricVariableUpdateEventEntity) detail)));
        history.createHistoricIncidentQuery().processInstanceId(id).list().stream()
                .filter(EngineHistory::audited)
                .forEach(incident -> lines.addAll(HistoryLines.incident((HistoricIncidentEventEntity) incident)));
        history.createUserOperationLogQuery().processInstanceId(id).list().stream()
                .filter(EngineHistory::audited)
                .forEach(op -> lines.add(HistoryLines.userOperation((UserOperationLogEntryEventEntity) op)));
        return lines;
    }

    private static boolean audited(Object row) {
        return row instanceof HistoryEvent event && HistoryLines.audited(event);
    }

    /**
     * Writes the drill's engine history to its evidence folder: every line of the instance, then the binding
     * line naming its evidence files with their SHA-256 ({@link #binding}).
     */
    public void writeEvidence(String processInstanceId, EvidencePaths paths) throws IOException {
        List<Map<String, Object>> lines = new ArrayList<>(of(processInstanceId));
        lines.add(binding(runId(processInstanceId).orElse(null), processInstanceId, paths, Instant.now()));
        AuditChain.write(paths.engineHistory(), AuditChain.chain(lines));
    }

    /** The drill's run id as its own history records it. */
    private Optional<String> runId(String processInstanceId) {
        return configuration.getCommandExecutorTxRequired().execute(context -> history()
                .createHistoricVariableInstanceQuery().processInstanceId(processInstanceId)
                .variableName(DrDrillProcess.Variables.RUN_ID.name()).list().stream()
                .map(variable -> variable.getValue() instanceof String text ? text : null)
                .filter(java.util.Objects::nonNull).findFirst());
    }

    /**
     * The line that binds a drill's evidence to its run: {@code dr-report.json}, {@code dr-events.ndjson},
     * {@code drill-metrics.json} and the review and release sign-off the report names, those that exist, each
     * with its SHA-256 as the file is now.
     */
    public static Map<String, Object> binding(String runId, String processInstanceId, EvidencePaths paths,
                                              Instant time) throws IOException {
        List<Path> bound = new ArrayList<>(List.of(paths.report(), paths.events(), paths.metrics()));
        linked(paths.report()).forEach(name -> bound.add(paths.evidenceDir().resolve(name)));
        List<Object> files = new ArrayList<>();
        for (Path file : bound) {
            if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("name", file.getFileName().toString());
                entry.put("sha256", Sha256.of(file));
                files.add(entry);
            }
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("type", "evidence");
        line.put("event_type", "bound");
        line.put("time", HistoryLines.time(Date.from(time)));
        line.put("run_id", runId);
        line.put("process_instance_id", processInstanceId);
        line.put("files", files);
        return line;
    }

    /** The records the report links (its review, its release sign-off), by their plain file names. */
    private static List<String> linked(Path report) {
        List<String> names = new ArrayList<>();
        try {
            if (!Files.isRegularFile(report, LinkOption.NOFOLLOW_LINKS)) {
                return names;
            }
            JsonNode json = JSON.readTree(report.toFile());
            for (String key : List.of("review", "release_signoff")) {
                String name = json.path(key).path("file").asText("");
                if (name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,254}")) {
                    names.add(name);
                }
            }
        } catch (IOException | RuntimeException unreadable) {
            // a report that is not JSON binds by its digest alone
        }
        return names;
    }
}
