package io.drdrill.process;

import io.drdrill.drill.StepName;
import io.drdrill.evidence.DrillEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Step records live in 4000-character string variables, whatever the documents they describe contain. */
class StepRecordTest {

    @Test
    void longFactsFromDocumentsAreShortenedToFitAVariable() {
        // Given facts with a 5000-character spec version and 200 control characters escaped six-fold
        Map<String, Object> facts = Map.of("sbom_spec_version", "3." + "1".repeat(5000),
                "sbom_components", 12, "odd", "\u0001".repeat(600),
                "provenance_signatures", List.of("a".repeat(900), "b".repeat(900), "c".repeat(900)));
        StepRecord record = StepRecord.of(StepName.VALIDATE_SBOM, Instant.now(), DrillEvent.Status.SUCCESS,
                "x".repeat(3000), facts);

        // When it is stored
        String json = record.toJson();

        // Then it fits, still reads back, and keeps its numbers
        assertThat(json.length()).isLessThanOrEqualTo(Texts.MAX_VARIABLE_CHARS);
        StepRecord back = StepRecord.fromJson(json);
        assertThat(back.status()).isEqualTo(DrillEvent.Status.SUCCESS);
        assertThat(back.facts()).containsEntry("sbom_components", 12);
    }

    @Test
    void ordinaryRecordsAreKeptWhole() {
        Map<String, Object> facts = Map.of("services_checked", 5, "backup_sha256", "sha256:" + "a".repeat(64));
        StepRecord record = StepRecord.of(StepName.VERIFY_BACKUP_PAYLOAD, Instant.now(), DrillEvent.Status.SUCCESS,
                "5 services ready", facts);

        assertThat(StepRecord.fromJson(record.toJson()).facts()).isEqualTo(facts);
    }
}
