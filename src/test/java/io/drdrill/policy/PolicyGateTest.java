package io.drdrill.policy;

import io.drdrill.step.DrDrillError;
import io.drdrill.step.StepResult;
import io.drdrill.manifest.Manifest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.entry;

class PolicyGateTest {

    private static final Instant NOW = Instant.parse("2026-02-01T12:00:00Z");

    private final PolicyGate gate = new PolicyGate();

    private static Manifest.Policies limits(Double maxRpoMinutes, Double maxRtoSeconds) {
        return new Manifest.Policies(Optional.ofNullable(maxRpoMinutes), Optional.ofNullable(maxRtoSeconds));
    }

    private static Instant minutesAgo(double minutes) {
        return NOW.minus(Duration.ofMillis(Math.round(minutes * 60_000)));
    }

    @Test
    void withinLimitsPassesWithRpoAndRtoFacts() {
        // Given a backup captured 30 minutes ago, a 12.5 s restore and generous limits
        Manifest.Policies policies = limits(60.0, 300.0);

        // When the gate is enforced
        StepResult outcome = gate.enforce(policies, minutesAgo(30), NOW, 12.5);

        // Then it passes with the observed values
        assertThat(outcome.facts()).containsExactly(entry("rpo_minutes", 30.0), entry("rto_seconds", 12.5));
        assertThat(outcome.notes()).contains("RPO 30m", "RTO 12.5s", "60", "300");
    }

    @Test
    void valuesAreRoundedToMilliPrecision() {
        // Given a backup captured 90.5 s ago and a restore of 1.23456 s
        Instant captured = NOW.minusMillis(90_500);

        // When the gate is enforced without limits
        StepResult outcome = gate.enforce(limits(null, null), captured, NOW, 1.23456);

        // Then RPO is 1.508 minutes and RTO 1.235 s
        assertThat(outcome.facts()).containsEntry("rpo_minutes", 1.508).containsEntry("rto_seconds", 1.235);
    }

    @Test
    void observedEqualToTheLimitPasses() {
        // Given observed values exactly at the limits
        StepResult outcome = gate.enforce(limits(30.0, 10.0), minutesAgo(30), NOW, 10.0);

        // Then it passes
        assertThat(outcome.facts()).containsEntry("rpo_minutes", 30.0).containsEntry("rto_seconds", 10.0);
    }

    @Test
    void rpoBreachIsAPolicyViolation() {
        // Given a backup 30 minutes old and a 15 minute RPO limit
        Manifest.Policies policies = limits(15.0, 300.0);

        // When the gate is enforced
        PolicyViolation violation = catchThrowableOfType(
                () -> gate.enforce(policies, minutesAgo(30), NOW, 2.0), PolicyViolation.class);

        // Then the violation names the breach with limit and observed value
        assertThat(violation).isNotNull();
        assertThat(violation.breaches()).containsExactly(
                new PolicyViolation.Breach("max_rpo_minutes", 15.0, 30.0, "m"));
        assertThat(violation.rpoMinutes()).isEqualTo(30.0);
        assertThat(violation.rtoSeconds()).isEqualTo(2.0);
        assertThat(violation).hasMessage("max_rpo_minutes breached: observed 30m > limit 15m");
        assertThat(violation).isNotInstanceOf(DrDrillError.class);
    }

    @Test
    void rtoBreachIsAPolicyViolation() {
        // Given a 45.25 s restore and a 30 s RTO limit
        Manifest.Policies policies = limits(60.0, 30.0);

        // When the gate is enforced
        PolicyViolation violation = catchThrowableOfType(
                () -> gate.enforce(policies, minutesAgo(5), NOW, 45.25), PolicyViolation.class);

        // Then the violation names the RTO breach
        assertThat(violation).isNotNull();
        assertThat(violation.breaches()).containsExactly(
                new PolicyViolation.Breach("max_rto_seconds", 30.0, 45.25, "s"));
        assertThat(violation.rpoMinutes()).isEqualTo(5.0);
        assertThat(violation.rtoSeconds()).isEqualTo(45.25);
        assertThat(violation).hasMessage("max_rto_seconds breached: observed 45.25s > limit 30s");
    }

    @Test
    void bothBreachesAreListed() {
        // Given both limits missed
        Manifest.Policies policies = limits(0.5, 1.0);

        // When the gate is enforced
        PolicyViolation violation = catchThrowableOfType(
                () -> gate.enforce(policies, minutesAgo(90), NOW, 2.5), PolicyViolation.class);

        // Then both breaches are listed, RPO first, each with limit and observed value
        assertThat(violation).isNotNull();
        assertThat(violation.breaches()).hasSize(2);
        assertThat(violation.breaches().get(0)).satisfies(b -> {
            assertThat(b.policy()).isEqualTo("max_rpo_minutes");
            assertThat(b.limit()).isEqualTo(0.5);
            assertThat(b.observed()).isEqualTo(90.0);
            assertThat(b.unit()).isEqualTo("m");
        });
        assertThat(violation.breaches().get(1)).satisfies(b -> {
            assertThat(b.policy()).isEqualTo("max_rto_seconds");
            assertThat(b.limit()).isEqualTo(1.0);
            assertThat(b.observed()).isEqualTo(2.5);
            assertThat(b.unit()).isEqualTo("s");
        });
        assertThat(violation.rpoMinutes()).isEqualTo(90.0);
        assertThat(violation.rtoSeconds()).isEqualTo(2.5);
        assertThat(violation).hasMessage("max_rpo_minutes breached: observed 90m > limit 0.5m; "
                + "max_rto_seconds breached: observed 2.5s > limit 1s");
    }

    @Test
    void zeroRpoLimitIsBreachedByAnyAge() {
        // Given an RPO limit of 0 and a one-second-old backup
        PolicyViolation violation = catchThrowableOfType(
                () -> gate.enforce(limits(0.0, null), NOW.minusSeconds(1), NOW, 0.1), PolicyViolation.class);

        // Then it is breached
        assertThat(violation).isNotNull();
        assertThat(violation.breaches()).extracting(PolicyViolation.Breach::policy).containsExactly("max_rpo_minutes");
        assertThat(violation.rpoMinutes()).isEqualTo(0.017);
    }

    @Test
    void noLimitsPasses() {
        // Given no limits and a very old backup with a slow restore
        StepResult outcome = gate.enforce(limits(null, null), NOW.minus(Duration.ofDays(400)), NOW, 99_999.0);

        // Then it passes, reporting the observed values and "none" as limits
        assertThat(outcome.facts()).containsEntry("rpo_minutes", 400 * 24 * 60.0).containsEntry("rto_seconds", 99_999.0);
        assertThat(outcome.notes()).contains("limit none");
    }

    @Test
    void onlyTheGivenLimitIsChecked() {
        // Given only an RTO limit and an old backup
        StepResult outcome = gate.enforce(limits(null, 10.0), NOW.minus(Duration.ofDays(2)), NOW, 9.0);

        // Then RPO is not checked
        assertThat(outcome.facts()).containsEntry("rpo_minutes", 2880.0);
    }

    @Test
    void captureTimeTenMinutesInTheFutureFails() {
        // Given a backup "captured" 10 minutes after now
        Instant future = NOW.plus(Duration.ofMinutes(10));

        // When / Then the gate fails instead of passing with RPO 0
        assertThatThrownBy(() -> gate.enforce(limits(60.0, 300.0), future, NOW, 1.0))
                .isInstanceOf(DrDrillError.class)
                .hasMessageContaining("future")
                .hasMessageContaining(future.toString());
    }

    @Test
    void captureTimeInTheFutureFailsEvenWithoutLimits() {
        // Given no limits and a capture time an hour ahead
        assertThatThrownBy(() -> gate.enforce(limits(null, null), NOW.plus(Duration.ofHours(1)), NOW, 1.0))
                .isInstanceOf(DrDrillError.class)
                .hasMessageContaining("future");
    }

    @Test
    void captureTimeTwoMinutesInTheFuturePassesWithRpoZero() {
        // Given a clock skew of 2 minutes (within the tolerated 5)
        Instant future = NOW.plus(Duration.ofMinutes(2));

        // When the gate is enforced
        StepResult outcome = gate.enforce(limits(0.0, 300.0), future, NOW, 1.0);

        // Then it passes with RPO 0
        assertThat(outcome.facts()).containsEntry("rpo_minutes", 0.0);
    }

    @Test
    void exactlyTheToleratedSkewPasses() {
        // Given a capture time exactly 5 minutes ahead
        StepResult outcome = gate.enforce(limits(null, null),
                NOW.plus(Duration.ofMinutes(PolicyGate.MAX_CLOCK_SKEW_MINUTES)), NOW, 1.0);

        // Then it passes with RPO 0; one millisecond more fails
        assertThat(outcome.facts()).containsEntry("rpo_minutes", 0.0);
        assertThatThrownBy(() -> gate.enforce(limits(null, null),
                NOW.plus(Duration.ofMinutes(PolicyGate.MAX_CLOCK_SKEW_MINUTES)).plusMillis(1), NOW, 1.0))
                .isInstanceOf(DrDrillError.class);
    }

    @Test
    void numbersFormatWithoutNeedlessDecimals() {
        // Given / When / Then
        assertThat(Numbers.format(900.0)).isEqualTo("900");
        assertThat(Numbers.format(0.8)).isEqualTo("0.8");
        assertThat(Numbers.round(1.0005, 3)).isEqualTo(1.001);
        assertThat(Numbers.round(2.4999, 2)).isEqualTo(2.5);
    }
}
