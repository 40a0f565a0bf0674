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

    /** The one JSON shape of a step event: a line of {@code dr-events.ndjson}, and the event of a step record. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("step", step);
        json.put("started_at", startedAt.toString());
        json.put("ended_at", endedAt.toString());
        json.put("status", status.json());
        json.put("notes", notes);
        json.put("run_id", runId);
        return json;
    }

    /** The event {@link #toJson()} wrote. */
    public static DrillEvent fromJson(Map<String, ?> json) {
        return new DrillEvent((String) json.get("step"), Instant.parse((String) json.get("started_at")),
                Instant.parse((String) json.get("ended_at")),
                Status.valueOf(((String) json.get("status")).toUpperCase(java.util.Locale.ROOT)),
                (String) json.get("notes"), (String) json.get("run_id"));
    }
}
