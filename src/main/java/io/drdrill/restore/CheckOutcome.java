package io.drdrill.restore;

import io.drdrill.manifest.PostRestoreCheck;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one post-restore check found, as the report's {@code post_restore_checks} lists it and as its own line of
 * the events file is written (see {@code DrillEvent.checksOf}).
 *
 * @param detail one line: what was seen (never a credential)
 * @param logs   for a command: where its stdout and stderr are kept
 */
public record CheckOutcome(String name, String type, Status status, Instant startedAt, Instant endedAt,
                           String detail, Map<String, String> logs) {

    public enum Status {
        PASSED, FAILED, SKIPPED;

        public String json() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public CheckOutcome {
        logs = Map.copyOf(logs);
    }

    static CheckOutcome skipped(PostRestoreCheck check, Instant at, String why) {
        return new CheckOutcome(check.name(), check.type(), Status.SKIPPED, at, at, why, Map.of());
    }

    public double durationSeconds() {
        return Math.round((endedAt.toEpochMilli() - startedAt.toEpochMilli()) / 1e3 * 1000) / 1000.0;
    }

    /** The JSON-friendly map the report's notes carry. */
    public Map<String, Object> toFact() {
        Map<String, Object> fact = new LinkedHashMap<>();
        fact.put("name", name);
        fact.put("type", type);
        fact.put("status", status.json());
        fact.put("started_at", startedAt.toString());
        fact.put("ended_at", endedAt.toString());
        fact.put("duration_seconds", durationSeconds());
        fact.put("detail", detail);
        new java.util.TreeMap<>(logs).forEach(fact::put);
        return fact;
    }
}
