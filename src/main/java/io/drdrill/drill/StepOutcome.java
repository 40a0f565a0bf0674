package io.drdrill.drill;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a successful step found: a one-line note for the event log and facts for the report
 * (keys are the report's {@code notes} keys, values are JSON-friendly: strings, numbers, booleans, maps).
 */
public record StepOutcome(String notes, Map<String, Object> facts) {

    public StepOutcome {
        facts = Collections.unmodifiableMap(new LinkedHashMap<>(facts));
    }

    public static StepOutcome of(String notes) {
        return new StepOutcome(notes, Map.of());
    }

    public static StepOutcome of(String notes, String key, Object value) {
        return new StepOutcome(notes, Map.of(key, value));
    }
}
