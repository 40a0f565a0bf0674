package io.drdrill.step;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A drill step found that the backup cannot be trusted or restored. The drill fails at that step. It may carry
 * facts for the report (for example where the recall script's logs are), which a failed drill needs most.
 */
public class DrDrillError extends RuntimeException {

    private final Map<String, Object> facts;

    public DrDrillError(String message) {
        this(message, Map.of());
    }

    public DrDrillError(String message, Throwable cause) {
        super(message, cause);
        this.facts = Map.of();
    }

    public DrDrillError(String message, Map<String, Object> facts) {
        super(message);
        this.facts = Collections.unmodifiableMap(new LinkedHashMap<>(facts));
    }

    public Map<String, Object> facts() {
        return facts;
    }
}
