package io.drdrill.process;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.drdrill.evidence.DrillEvent;
import io.drdrill.step.StepName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A step record is stored whole as JSON, its event in the very shape of an events-file line. */
class StepRecordTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void longFactsFromDocumentsAreKeptWhole() throws Exception {
        // Given facts with a 5000-character spec version, control characters and long lists
        Map<String, Object> facts = Map.of("sbom_spec_version", "3." + "1".repeat(5000),
                "sbom_components", 12, "odd", "\u0001".repeat(600),
                "provenance_signatures", List.of("a".repeat(900), "b".repeat(900), "c".repeat(900)));
        StepRecord record = StepRecord.of(StepName.VALIDATE_SBOM, "drill-1", Instant.now(), DrillEvent.Status.SUCCESS,
                "x".repeat(3000), facts);

        // When it is written as JSON and read back
        StepRecord back = JSON.readValue(JSON.writeValueAsString(record), StepRecord.class);

        // Then nothing is shortened: notes, facts and the event are what they were
        assertThat(back).isEqualTo(record);
        assertThat(back.facts()).isEqualTo(facts);
        assertThat(back.event().notes()).hasSize(3000);
    }

    @Test
    void theStoredEventHasTheShapeOfAnEventsFileLine() throws Exception {
        // Given a failed step's record
        StepRecord record = StepRecord.of(StepName.VERIFY_BACKUP_DIGEST, "drill-2", Instant.now(),
                DrillEvent.Status.FAILURE, "backup digest mismatch", Map.of());

        // When it is written as JSON
        Map<?, ?> json = JSON.readValue(JSON.writeValueAsString(record), Map.class);

        // Then its event is exactly the event's one JSON shape
        assertThat(json.get("event")).isEqualTo(record.event().toJson());
        assertThat(record.event().toJson()).containsEntry("status", "failure").containsEntry("run_id", "drill-2")
                .containsKeys("step", "started_at", "ended_at", "notes");
    }
}
