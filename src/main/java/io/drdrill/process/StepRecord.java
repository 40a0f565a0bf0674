package io.drdrill.process;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drdrill.drill.StepName;
import io.drdrill.evidence.DrillEvent;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** One step's event and facts, kept as a JSON process variable between the asynchronous steps. */
record StepRecord(String step, Instant startedAt, Instant endedAt, DrillEvent.Status status, String notes,
                  Map<String, Object> facts) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_NOTES = 2000;

    static StepRecord of(StepName step, Instant startedAt, DrillEvent.Status status, String notes,
                         Map<String, Object> facts) {
        return new StepRecord(step.id(), startedAt, Instant.now(), status, Texts.limit(notes, MAX_NOTES), facts);
    }

    DrillEvent event(String runId) {
        return new DrillEvent(step, startedAt, endedAt, status, notes, runId);
    }

    String toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("step", step);
        json.put("started_at", startedAt.toString());
        json.put("ended_at", endedAt.toString());
        json.put("status", status.json());
        json.put("notes", notes);
        json.put("facts", facts);
        try {
            return JSON.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("step record cannot be serialised", e);
        }
    }

    static StepRecord fromJson(String text) {
        try {
            Map<String, Object> json = JSON.readValue(text, new TypeReference<LinkedHashMap<String, Object>>() { });
            @SuppressWarnings("unchecked")
            Map<String, Object> facts = (Map<String, Object>) json.getOrDefault("facts", Map.of());
            return new StepRecord((String) json.get("step"), Instant.parse((String) json.get("started_at")),
                    Instant.parse((String) json.get("ended_at")),
                    DrillEvent.Status.valueOf(((String) json.get("status")).toUpperCase(java.util.Locale.ROOT)),
                    (String) json.get("notes"), facts);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("step record is not valid JSON", e);
        }
    }
}
