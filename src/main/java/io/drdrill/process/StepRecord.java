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
    private static final int MAX_FACT_TEXT = 120;
    private static final int MAX_FACT_ITEMS = 5;

    static StepRecord of(StepName step, Instant startedAt, DrillEvent.Status status, String notes,
                         Map<String, Object> facts) {
        return new StepRecord(step.id(), startedAt, Instant.now(), status, Texts.limit(notes, MAX_NOTES), facts);
    }

    DrillEvent event(String runId) {
        return new DrillEvent(step, startedAt, endedAt, status, notes, runId);
    }

    /**
     * The record as JSON that fits a string variable (PostgreSQL keeps 4000 characters): facts taken from
     * documents can be long, so long texts and lists are shortened, and if that is not enough only the numbers
     * are kept. The verdict never depends on what is cut.
     */
    String toJson() {
        String full = serialise(notes, facts);
        if (full.length() <= Texts.MAX_VARIABLE_CHARS) {
            return full;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> shortened = (Map<String, Object>) shorten(facts);
        String reduced = serialise(Texts.limit(notes, 500), shortened);
        if (reduced.length() <= Texts.MAX_VARIABLE_CHARS) {
            return reduced;
        }
        Map<String, Object> numbers = new LinkedHashMap<>();
        facts.forEach((key, value) -> {
            if (value instanceof Number || value instanceof Boolean) {
                numbers.put(key, value);
            }
        });
        numbers.put("facts_truncated", true);
        return serialise(Texts.limit(notes, 500), numbers);
    }

    private String serialise(String text, Map<String, Object> values) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("step", step);
        json.put("started_at", startedAt.toString());
        json.put("ended_at", endedAt.toString());
        json.put("status", status.json());
        json.put("notes", text);
        json.put("facts", values);
        try {
            return JSON.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("step record cannot be serialised", e);
        }
    }

    private static Object shorten(Object value) {
        if (value instanceof String text) {
            return Texts.limit(text, MAX_FACT_TEXT);
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> result = new LinkedHashMap<>();
            map.forEach((k, v) -> result.put(Texts.limit(String.valueOf(k), MAX_FACT_TEXT), shorten(v)));
            return result;
        }
        if (value instanceof java.util.List<?> list) {
            return list.stream().limit(MAX_FACT_ITEMS).map(StepRecord::shorten).toList();
        }
        return value;
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
