package io.drdrill.process;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.drdrill.evidence.DrillEvent;
import io.drdrill.step.StepName;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One step's event and facts, kept whole as a JSON process variable between the asynchronous steps (see
 * {@link DrDrillProcess.Variables#stepRecord}): the event in the same shape as a line of the events file, the
 * facts as the report's notes will show them.
 */
public record StepRecord(DrillEvent event, Map<String, Object> facts) {

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    public StepRecord {
        facts = Collections.unmodifiableMap(new LinkedHashMap<>(facts));
    }

    static StepRecord of(StepName step, String runId, Instant startedAt, DrillEvent.Status status, String notes,
                         Map<String, Object> facts) {
        return new StepRecord(new DrillEvent(step.id(), startedAt, Instant.now(), status, notes, runId), facts);
    }

    /** The record as the JSON text its process variable holds. */
    public String toJsonText() {
        try {
            return JSON.writeValueAsString(json());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("step record cannot be written as JSON", e);
        }
    }

    /** Reads a record from the JSON text of its process variable. */
    public static StepRecord fromJsonText(String text) {
        try {
            return JSON.readValue(text, StepRecord.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("not a step record: " + e.getOriginalMessage(), e);
        }
    }

    public DrillEvent.Status status() {
        return event.status();
    }

    @JsonValue
    Map<String, Object> json() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("event", event.toJson());
        json.put("facts", facts);
        return json;
    }

    @JsonCreator
    @SuppressWarnings("unchecked")
    static StepRecord fromJson(Map<String, Object> json) {
        return new StepRecord(DrillEvent.fromJson((Map<String, ?>) json.get("event")),
                (Map<String, Object>) json.getOrDefault("facts", Map.of()));
    }
}
