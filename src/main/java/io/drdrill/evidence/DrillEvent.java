package io.drdrill.evidence;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** One line of {@code dr-events.ndjson}: what one step did. */
public record DrillEvent(String step, Instant startedAt, Instant endedAt, Status status, String notes, String runId) {

    public enum Status {
        SUCCESS, FAILURE;

        public String json() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("step", step);
        json.put("started_at", startedAt.toString());
        json.put("ended_at", endedAt.toString());
        json.put("status", status.json());
        json.put("notes", notes);
        json.put("run_id", runId);
        return json;
    }
}
