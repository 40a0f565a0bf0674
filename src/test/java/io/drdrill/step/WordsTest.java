package io.drdrill.step;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class WordsTest {

    @Test
    void everyStepHasWordsAndTheManifestStepToo() {
        // Given the step ids as the evidence spells them
        // When they are put in words
        // Then operators read sentences, and an unknown id is shown as it is
        assertThat(Words.step("verify_backup_digest")).isEqualTo("Verify backup digest");
        assertThat(Words.step("validate_sbom")).isEqualTo("Validate SBOM");
        assertThat(Words.step("validate_restored_backup")).isEqualTo("Validate restored backup");
        assertThat(Words.step("load_manifest")).isEqualTo("Load manifest");
        assertThat(Words.step("something_else")).isEqualTo("something_else");
        assertThat(Words.step((String) null)).isNull();
        for (StepName step : StepName.values()) {
            assertThat(Words.step(step)).doesNotContain("_").matches("[A-Z].*");
        }
    }

    @ParameterizedTest(name = "{0} s reads \"{1}\"")
    @CsvSource({
            "0, 0 s", "0.04, < 0.1 s", "0.05, 0.1 s", "12.34, 12.3 s", "59.94, 59.9 s", "60, 1 min", "245, 4 min 5 s",
            "3599.6, 1 h", "3600, 1 h", "11520, 3 h 12 min", "86399, 23 h 59 min", "604800, 7 d",
            "999780, 11 d 13 h", "-30, -30 s"})
    void durationsReadInTheirTwoLargestUnits(double seconds, String words) {
        // Given a duration in seconds / When it is put in words / Then it reads as an operator would say it
        assertThat(Words.duration(seconds)).isEqualTo(words);
    }

    @Test
    void aValueStandsBesideItsLimit() {
        // Given an RPO of 16,663 minutes against a limit of 7 days, and an RTO with no limit
        // When they are put in words
        // Then the limit is beside the value
        assertThat(Words.minutesWithLimit(16663.0, 10080.0)).isEqualTo("11 d 13 h (limit 7 d)");
        assertThat(Words.durationWithLimit(0.42, null)).isEqualTo("0.4 s (no limit)");
        assertThat(Words.durationWithLimit(null, 900.0)).isEqualTo("not measured (limit 15 min)");
        assertThat(Words.duration(Double.NaN)).isEqualTo("not measured");
    }
}
