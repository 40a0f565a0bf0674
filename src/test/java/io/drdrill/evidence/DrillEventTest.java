package io.drdrill.evidence;

import io.drdrill.restore.PostRestoreChecks;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A step's post-restore checks become event lines of their own, in the step event's shape. */
class DrillEventTest {

    private static final Instant T0 = Instant.parse("2026-12-02T03:00:00Z");

    @Test
    void eachRecordedCheckIsAnEventOfItsStepWithItsNameTypeStatusAndDuration() {
        // Given a step event and its facts as they come back from a JSON variable (plain maps and lists)
        DrillEvent step = new DrillEvent("validate_restored_backup", T0, T0.plusSeconds(2), DrillEvent.Status.FAILURE,
                "post-restore check 'orders' (postgres) failed: expected at least 1 row, got 0", "drill-1");
        Map<String, Object> facts = Map.of("restored_sha256", "sha256:ab", PostRestoreChecks.FACT, List.of(
                Map.of("name", "port", "type", "tcp", "status", "passed", "started_at", "2026-12-02T03:00:00Z",
                        "ended_at", "2026-12-02T03:00:00.250Z", "duration_seconds", 0.25, "detail", "accepted"),
                Map.of("name", "orders", "type", "postgres", "status", "failed", "started_at",
                        "2026-12-02T03:00:01Z", "ended_at", "2026-12-02T03:00:01.5Z", "duration_seconds", 0.5,
                        "detail", "expected at least 1 row, got 0"),
                Map.of("name", "api", "type", "http", "status", "skipped", "started_at", "2026-12-02T03:00:02Z",
                        "ended_at", "2026-12-02T03:00:02Z", "duration_seconds", 0, "detail", "not run")));

        // When the check events are derived
        List<DrillEvent> events = DrillEvent.checksOf(step, facts);

        // Then there is one per check, in order, each an events-file line that reads back as written
        assertThat(events).extracting(e -> e.check().name() + " " + e.status().json())
                .containsExactly("port success", "orders failure", "api skipped");
        assertThat(events.get(1).toJson()).containsEntry("step", "validate_restored_backup")
                .containsEntry("status", "failure").containsEntry("notes", "expected at least 1 row, got 0")
                .containsEntry("run_id", "drill-1").containsEntry("check", "orders")
                .containsEntry("check_type", "postgres").containsEntry("duration_seconds", 0.5)
                .containsEntry("started_at", "2026-12-02T03:00:01Z");
        assertThat(events).allSatisfy(e -> assertThat(DrillEvent.fromJson(e.toJson())).isEqualTo(e));
        assertThat(step.toJson()).doesNotContainKey("check");
        assertThat(DrillEvent.checksOf(step, Map.of("restored_sha256", "sha256:ab"))).isEmpty();
    }
}
