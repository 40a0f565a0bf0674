package io.drdrill.evidence;

import java.util.Locale;

/** A drill's verdict, as written to the report and returned to callers. */
public enum DrillStatus {
    /** The drill has started and not yet ended (or was interrupted): no verdict yet. */
    RUNNING,
    PASSED,
    FAILED,
    POLICY_VIOLATION,
    INVALID;

    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static DrillStatus fromJson(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
