package io.drdrill.evidence;

import io.drdrill.restore.PostRestoreChecks;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One line of {@code dr-events.ndjson}: what one step did, or — with {@code check} set — what one post-restore
 * check of that step did (the same shape, plus {@code check}, {@code check_type} and {@code duration_seconds}).
 *
 * @param check the post-restore check's name and type, or null for a step's own event
 */
public record DrillEvent(String step, Instant startedAt, Instant endedAt, Status status, String notes, String runId,
                         Check check) {

    /** @param durationSeconds as the check measured it */
    public record Check(String name, String type, double durationSeconds) {
    }

    /** A step's own event. */
    public DrillEvent(String step, Instant startedAt, Instant endedAt, Status status, String notes, String runId) {
        this(step, startedAt, endedAt, status, notes, runId, null);
    }

    public enum Status {
        /** {@code skipped} is for post-restore checks only: not run because an earlier one failed. */
        SUCCESS, FAILURE, SKIPPED;

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
        if (check != null) {
            json.put("check", check.name());
            json.put("check_type", check.type());
            json.put("duration_seconds", check.durationSeconds());
        }
        return json;
    }

    /** The event {@link #toJson()} wrote. */
    public static DrillEvent fromJson(Map<String, ?> json) {
        Check check = json.get("check") == null ? null : new Check((String) json.get("check"),
                (String) json.get("check_type"), ((Number) json.get("duration_seconds")).doubleValue());
        return new DrillEvent((String) json.get("step"), Instant.parse((String) json.get("started_at")),
                Instant.parse((String) json.get("ended_at")),
                Status.valueOf(((String) json.get("status")).toUpperCase(java.util.Locale.ROOT)),
                (String) json.get("notes"), (String) json.get("run_id"), check);
    }

    /**
     * One event per post-restore check a step recorded in its facts ({@link PostRestoreChecks#FACT}), in their
     * order; none for a step without checks. Facts may have passed through a JSON variable: plain maps and lists.
     */
    public static List<DrillEvent> checksOf(DrillEvent step, Map<String, ?> facts) {
        List<DrillEvent> events = new ArrayList<>();
        if (!(facts.get(PostRestoreChecks.FACT) instanceof List<?> checks)) {
            return events;
        }
        for (Object item : checks) {
            if (!(item instanceof Map<?, ?> check)) {
                continue;
            }
            Status status = switch (String.valueOf(check.get("status"))) {
                case "passed" -> Status.SUCCESS;
                case "skipped" -> Status.SKIPPED;
                default -> Status.FAILURE;
            };
            Object duration = check.get("duration_seconds");
            events.add(new DrillEvent(step.step(), Instant.parse(String.valueOf(check.get("started_at"))),
                    Instant.parse(String.valueOf(check.get("ended_at"))), status, (String) check.get("detail"),
                    step.runId(), new Check(String.valueOf(check.get("name")), String.valueOf(check.get("type")),
                    duration instanceof Number n ? n.doubleValue() : 0.0)));
        }
        return events;
    }
}
