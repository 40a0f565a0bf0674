package io.drdrill.audit;

import io.drdrill.process.DrDrillProcess;
import io.drdrill.release.ReleaseSignoffProcess;
import org.camunda.bpm.engine.impl.history.event.HistoricActivityInstanceEventEntity;
import org.camunda.bpm.engine.impl.history.event.HistoricIdentityLinkLogEventEntity;
import org.camunda.bpm.engine.impl.history.event.HistoricIncidentEventEntity;
import org.camunda.bpm.engine.impl.history.event.HistoricProcessInstanceEventEntity;
import org.camunda.bpm.engine.impl.history.event.HistoricTaskInstanceEventEntity;
import org.camunda.bpm.engine.impl.history.event.HistoricVariableUpdateEventEntity;
import org.camunda.bpm.engine.impl.history.event.HistoryEvent;
import org.camunda.bpm.engine.impl.history.event.UserOperationLogEntryEventEntity;
import org.camunda.bpm.engine.impl.persistence.entity.HistoricDetailVariableInstanceUpdateEntity;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one mapping from the engine's history to audit lines, for live events and for the rows the history tables
 * return alike: Camunda's query results are subclasses of the same event entities, so both go through here. A
 * line holds only what both sources know the same way: a lifecycle start (or create) line carries the fields
 * fixed at that moment, an end line the final state; the engine's "update" and "migrate" events are not lines
 * (a task's assignment shows as identity-link and user-operation lines). Times are ISO-8601 UTC with
 * milliseconds; numbers beyond counters are strings; variable values are their text, shortened, never bytes.
 */
public final class HistoryLines {

    /** The processes whose history is audited. */
    public static final Set<String> AUDITED = Set.of(DrDrillProcess.PROCESS_KEY, ReleaseSignoffProcess.PROCESS_KEY);
    /** Longest variable value kept, in characters; longer ones end with an ellipsis. */
    static final int MAX_VALUE = 500;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final List<String> TYPES = List.of("process_instance", "activity_instance", "task",
            "variable_update", "identity_link", "user_operation", "incident");

    private HistoryLines() {
    }

    /** Deterministic order: time, then type, then id, then start before end. */
    public static final Comparator<Map<String, Object>> ORDER = Comparator
            .comparing((Map<String, Object> line) -> String.valueOf(line.get("time")))
            .thenComparing(line -> TYPES.indexOf(line.get("type")))
            .thenComparing(line -> String.valueOf(line.get("id")))
            .thenComparing(line -> isStart(line) ? 0 : 1);

    private static boolean isStart(Map<String, Object> line) {
        Object type = line.get("event_type");
        return "start".equals(type) || "create".equals(type);
    }

    /** The line of one live event; empty for events of other processes and for update or migrate events. */
    public static Optional<Map<String, Object>> live(HistoryEvent event) {
        if (!audited(event)) {
            return Optional.empty();
        }
        String type = event.getEventType();
        if (event instanceof HistoricProcessInstanceEventEntity pi) {
            return "start".equals(type) ? Optional.of(processStart(pi))
                    : "end".equals(type) ? Optional.of(processEnd(pi)) : Optional.empty();
        }
        if (event instanceof HistoricActivityInstanceEventEntity ai) {
            return "start".equals(type) ? Optional.of(activityStart(ai))
                    : "end".equals(type) ? Optional.of(activityEnd(ai)) : Optional.empty();
        }
        if (event instanceof HistoricTaskInstanceEventEntity task) {
            return "create".equals(type) ? Optional.of(taskCreate(task))
                    : "complete".equals(type) || "delete".equals(type) ? Optional.of(taskEnd(task)) : Optional.empty();
        }
        if (event instanceof HistoricIncidentEventEntity incident) {
            return "create".equals(type) ? Optional.of(incidentCreate(incident))
                    : "resolve".equals(type) || "delete".equals(type) ? Optional.of(incidentEnd(incident))
                    : Optional.empty();
        }
        if (event instanceof HistoricVariableUpdateEventEntity variable) {
            return "migrate".equals(type) ? Optional.empty() : Optional.of(variable(variable));
        }
        if (event instanceof UserOperationLogEntryEventEntity operation) {
            return Optional.of(userOperation(operation));
        }
        if (event instanceof HistoricIdentityLinkLogEventEntity link) {
            return Optional.of(identityLink(link));
        }
        return Optional.empty();
    }

    static boolean audited(HistoryEvent event) {
        String instance = event instanceof HistoricIdentityLinkLogEventEntity
                ? event.getRootProcessInstanceId() : event.getProcessInstanceId();
        return instance != null && AUDITED.contains(event.getProcessDefinitionKey());
    }

    /** The lines a finished (or running) process instance's row stands for: its start, and its end if it ended. */
    static List<Map<String, Object>> process(HistoricProcessInstanceEventEntity row) {
        return row.getEndTime() == null ? List.of(processStart(row)) : List.of(processStart(row), processEnd(row));
    }

    static List<Map<String, Object>> activity(HistoricActivityInstanceEventEntity row) {
        return row.getEndTime() == null ? List.of(activityStart(row)) : List.of(activityStart(row), activityEnd(row));
    }

    static List<Map<String, Object>> task(HistoricTaskInstanceEventEntity row) {
        return row.getEndTime() == null ? List.of(taskCreate(row)) : List.of(taskCreate(row), taskEnd(row));
    }

    static List<Map<String, Object>> incident(HistoricIncidentEventEntity row) {
        return row.getEndTime() == null ? List.of(incidentCreate(row)) : List.of(incidentCreate(row), incidentEnd(row));
    }

    private static Map<String, Object> common(String type, String eventType, HistoryEvent event, Date time) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("type", type);
        line.put("event_type", eventType);
        line.put("time", time(time));
        line.put("id", event.getId());
        line.put("process_definition_key", event.getProcessDefinitionKey());
        line.put("process_definition_id", event.getProcessDefinitionId());
        line.put("process_instance_id", event instanceof HistoricIdentityLinkLogEventEntity
                ? event.getRootProcessInstanceId() : event.getProcessInstanceId());
        return line;
    }

    private static Map<String, Object> processStart(HistoricProcessInstanceEventEntity pi) {
        Map<String, Object> line = common("process_instance", "start", pi, pi.getStartTime());
        line.put("start_user_id", pi.getStartUserId());
        line.put("activity_id", pi.getStartActivityId());
        line.put("super_process_instance_id", pi.getSuperProcessInstanceId());
        return line;
    }

    private static Map<String, Object> processEnd(HistoricProcessInstanceEventEntity pi) {
        Map<String, Object> line = common("process_instance", "end", pi, pi.getEndTime());
        line.put("activity_id", pi.getEndActivityId());
        line.put("business_key", pi.getBusinessKey());
        line.put("state", pi.getState());
        line.put("delete_reason", pi.getDeleteReason());
        return line;
    }

    private static Map<String, Object> activityStart(HistoricActivityInstanceEventEntity ai) {
        Map<String, Object> line = common("activity_instance", "start", ai, ai.getStartTime());
        line.put("activity_id", ai.getActivityId());
        line.put("activity_name", ai.getActivityName());
        line.put("activity_type", ai.getActivityType());
        line.put("parent_activity_instance_id", ai.getParentActivityInstanceId());
        return line;
    }

    private static Map<String, Object> activityEnd(HistoricActivityInstanceEventEntity ai) {
        Map<String, Object> line = common("activity_instance", "end", ai, ai.getEndTime());
        line.put("activity_id", ai.getActivityId());
        line.put("activity_type", ai.getActivityType());
        line.put("canceled", ai.isCanceled());
        return line;
    }

    private static Map<String, Object> taskCreate(HistoricTaskInstanceEventEntity task) {
        Map<String, Object> line = common("task", "create", task, task.getStartTime());
        line.put("task_id", task.getId());
        line.put("task_definition_key", task.getTaskDefinitionKey());
        line.put("activity_instance_id", task.getActivityInstanceId());
        return line;
    }

    private static Map<String, Object> taskEnd(HistoricTaskInstanceEventEntity task) {
        Map<String, Object> line = common("task", "end", task, task.getEndTime());
        line.put("task_id", task.getId());
        line.put("task_definition_key", task.getTaskDefinitionKey());
        line.put("name", task.getName());
        line.put("assignee", task.getAssignee());
        line.put("owner", task.getOwner());
        line.put("delete_reason", task.getDeleteReason());
        return line;
    }

    private static Map<String, Object> incidentCreate(HistoricIncidentEventEntity incident) {
        Map<String, Object> line = common("incident", "create", incident, incident.getCreateTime());
        line.put("incident_type", incident.getIncidentType());
        line.put("activity_id", incident.getActivityId());
        line.put("message", shorten(incident.getIncidentMessage()));
        line.put("configuration", incident.getConfiguration());
        return line;
    }

    private static Map<String, Object> incidentEnd(HistoricIncidentEventEntity incident) {
        Map<String, Object> line = common("incident", incident.isResolved() ? "resolve" : "delete", incident,
                incident.getEndTime());
        line.put("incident_type", incident.getIncidentType());
        line.put("activity_id", incident.getActivityId());
        return line;
    }

    static Map<String, Object> variable(HistoricVariableUpdateEventEntity variable) {
        Map<String, Object> line = common("variable_update", "update", variable, variable.getTimestamp());
        line.put("variable_name", variable.getVariableName());
        line.put("variable_type", variable.getSerializerName());
        line.put("variable_instance_id", variable.getVariableInstanceId());
        line.put("activity_instance_id", variable.getActivityInstanceId());
        line.put("revision", (long) variable.getRevision());
        line.put("value", value(variable));
        return line;
    }

    static Map<String, Object> userOperation(UserOperationLogEntryEventEntity op) {
        Map<String, Object> line = common("user_operation", op.getOperationType(), op, op.getTimestamp());
        line.put("operation_id", op.getOperationId());
        line.put("entity_type", op.getEntityType());
        line.put("category", op.getCategory());
        line.put("user_id", op.getUserId());
        line.put("task_id", op.getTaskId());
        line.put("property", op.getProperty());
        line.put("org_value", shorten(op.getOrgValue()));
        line.put("new_value", shorten(op.getNewValue()));
        return line;
    }

    static Map<String, Object> identityLink(HistoricIdentityLinkLogEventEntity link) {
        Map<String, Object> line = common("identity_link", link.getOperationType(), link, link.getTime());
        line.put("link_type", link.getType());
        line.put("user_id", link.getUserId());
        line.put("group_id", link.getGroupId());
        line.put("task_id", link.getTaskId());
        line.put("assigner_id", link.getAssignerId());
        return line;
    }

    /** A variable's value as text: numbers and dates in words JSON keeps exactly, text and JSON/XML as text. */
    static String value(HistoricVariableUpdateEventEntity variable) {
        String serializer = variable.getSerializerName();
        if (serializer == null) {
            return null;
        }
        return switch (serializer) {
            case "null" -> null;
            case "string" -> shorten(variable.getTextValue());
            case "boolean" -> variable.getLongValue() == null ? null : String.valueOf(variable.getLongValue() == 1L);
            case "integer", "long", "short" -> variable.getLongValue() == null ? null
                    : String.valueOf(variable.getLongValue());
            case "double" -> variable.getDoubleValue() == null ? null : String.valueOf(variable.getDoubleValue());
            case "date" -> variable.getLongValue() == null ? null : time(new Date(variable.getLongValue()));
            default -> textOf(variable);
        };
    }

    /** Serialized values in a text format (JSON, XML) as their text; binary ones not at all. */
    private static String textOf(HistoricVariableUpdateEventEntity variable) {
        String format = variable.getTextValue2();
        boolean text = variable.getSerializerName().contains("json") || variable.getSerializerName().contains("xml")
                || format != null && (format.contains("json") || format.contains("xml"));
        byte[] bytes = !text ? null : variable instanceof HistoricDetailVariableInstanceUpdateEntity row
                ? row.getByteArrayValue() : variable.getByteValue();
        return bytes == null ? null : shorten(new String(bytes, StandardCharsets.UTF_8));
    }

    static String shorten(String text) {
        if (text == null || text.length() <= MAX_VALUE) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(MAX_VALUE - 1)) ? MAX_VALUE - 1 : MAX_VALUE;
        return text.substring(0, end) + "…";
    }

    static String time(Date date) {
        return date == null ? null : TIME.format(Instant.ofEpochMilli(date.getTime()));
    }
}
