package io.drdrill.schedule;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The due rule and the cron reading without an engine: when a run is due, and that downtime costs one run. */
class DueRuleTest {

    private static final ZoneId UTC = ZoneOffset.UTC;
    private static final Schedule EVERY_MINUTE = Schedule.of("0 * * ? * *");
    private static final Schedule MONDAYS_AT_THREE = Schedule.of("0 0 3 ? * MON");

    @Test
    void aCronIsReadSecondsFirstLikeTheEnginesTimerCycles() {
        // Given Mondays at 03:00:00, and a Wednesday
        Instant wednesday = Instant.parse("2026-12-02T10:00:00Z");

        // When its next fire time is asked for
        Optional<Instant> next = MONDAYS_AT_THREE.nextAfter(wednesday, UTC);

        // Then it is the next Monday at 03:00:00
        assertThat(next).contains(Instant.parse("2026-12-07T03:00:00Z"));
    }

    @Test
    void theZoneDecidesWhatThreeOClockMeans() {
        // Given Mondays at 03:00 read in Berlin (UTC+1 in December)
        // When its next fire time is asked for
        Optional<Instant> next = MONDAYS_AT_THREE.nextAfter(Instant.parse("2026-12-02T10:00:00Z"),
                ZoneId.of("Europe/Berlin"));

        // Then it is 02:00 UTC
        assertThat(next).contains(Instant.parse("2026-12-07T02:00:00Z"));
    }

    @Test
    void aRunIsDueOnceAFireTimePassedSinceTheLastScheduledStart() {
        // Given a one-minute schedule last started at 10:00:00
        Instant last = Instant.parse("2026-12-02T10:00:00Z");

        // When the scheduler looks at 10:00:59 and at 10:01:00
        ScheduleDecision early = DueRule.decide(EVERY_MINUTE, Optional.of(last), Optional.empty(),
                Instant.parse("2026-12-02T10:00:59Z"), UTC);
        ScheduleDecision onTime = DueRule.decide(EVERY_MINUTE, Optional.of(last), Optional.empty(),
                Instant.parse("2026-12-02T10:01:00Z"), UTC);

        // Then it is not due before the slot, and due at it, with one slot to serve
        assertThat(early.due()).isFalse();
        assertThat(early.nextFire()).contains(Instant.parse("2026-12-02T10:01:00Z"));
        assertThat(onTime.due()).isTrue();
        assertThat(onTime.missedSlots()).isEqualTo(1);
        assertThat(onTime.firstMissed()).contains(Instant.parse("2026-12-02T10:01:00Z"));
    }

    @Test
    void tenMinutesOfDowntimeWithAOneMinuteScheduleAreCaughtUpByOneRun() {
        // Given a one-minute schedule last started at 10:00:00, and an engine down until 10:10:30
        Instant last = Instant.parse("2026-12-02T10:00:00Z");
        Instant back = Instant.parse("2026-12-02T10:10:30Z");

        // When the first tick after the downtime decides
        ScheduleDecision decision = DueRule.decide(EVERY_MINUTE, Optional.of(last), Optional.empty(), back, UTC);

        // Then one run is due, for the ten slots that passed
        assertThat(decision.due()).isTrue();
        assertThat(decision.missedSlots()).isEqualTo(10);
        assertThat(decision.firstMissed()).contains(Instant.parse("2026-12-02T10:01:00Z"));

        // and once that run started (at 10:10:30) nothing more is due until the next slot
        assertThat(DueRule.decide(EVERY_MINUTE, Optional.of(back), Optional.empty(), back.plusSeconds(20), UTC).due())
                .isFalse();
        assertThat(DueRule.decide(EVERY_MINUTE, Optional.of(back), Optional.empty(), back.plusSeconds(30), UTC).due())
                .isTrue();
    }

    @Test
    void missedSlotsAreCountedOnlyUpToABound() {
        // Given a one-minute schedule last started a year ago
        Instant now = Instant.parse("2026-12-02T10:00:00Z");

        // When the scheduler decides
        ScheduleDecision decision = DueRule.decide(EVERY_MINUTE, Optional.of(now.minusSeconds(365L * 86400)),
                Optional.empty(), now, UTC);

        // Then one run is due and the count stops at the bound
        assertThat(decision.due()).isTrue();
        assertThat(decision.missedSlots()).isEqualTo(DueRule.MAX_COUNTED_SLOTS);
    }

    @Test
    void aManifestNeverStartedCountsFromThePreviousTickNotFromTheBeginningOfTime() {
        // Given a weekly schedule never started, and the scheduler's previous tick a minute ago on a Wednesday
        Instant now = Instant.parse("2026-12-02T10:00:00Z");

        // When it decides
        ScheduleDecision decision = DueRule.decide(MONDAYS_AT_THREE, Optional.empty(),
                Optional.of(now.minusSeconds(60)), now, UTC);

        // Then nothing is due before next Monday
        assertThat(decision.due()).isFalse();
        assertThat(decision.nextFire()).contains(Instant.parse("2026-12-07T03:00:00Z"));
    }

    @Test
    void aLastStartInTheFutureOfTheClockIsNeverDue() {
        // Given a last scheduled start after "now" (a node whose clock is behind)
        Instant now = Instant.parse("2026-12-02T10:00:00Z");

        // When it decides, then nothing is due
        assertThat(DueRule.decide(EVERY_MINUTE, Optional.of(now.plusSeconds(600)), Optional.empty(), now, UTC).due())
                .isFalse();
    }

    @Test
    void withoutAnyReferenceNothingIsDue() {
        // Given no last start and no previous tick
        // When it decides, then nothing is due yet
        assertThat(DueRule.decide(EVERY_MINUTE, Optional.empty(), Optional.empty(),
                Instant.parse("2026-12-02T10:00:00Z"), UTC).due()).isFalse();
    }

    @Test
    void anInvalidCronIsRefusedWithOneLine() {
        // Given a five-field Unix cron
        // When / Then it is refused with one line saying what is expected
        assertThatThrownBy(() -> Schedule.of("0 3 * * 1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("six fields, seconds first")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
