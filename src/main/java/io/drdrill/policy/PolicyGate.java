package io.drdrill.policy;

import io.drdrill.step.DrDrillError;
import io.drdrill.step.StepResult;
import io.drdrill.manifest.Manifest;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code enforce_policies}: RPO is the backup's age at {@code now}, RTO the measured restore time. A capture
 * time more than {@value #MAX_CLOCK_SKEW_MINUTES} minutes in the future fails the drill instead of passing
 * with RPO 0.
 */
public final class PolicyGate {

    public static final long MAX_CLOCK_SKEW_MINUTES = 5;

    public StepResult enforce(Manifest.Policies policies, Instant capturedAt, Instant now, double rtoSeconds) {
        Duration age = Duration.between(capturedAt, now);
        if (age.compareTo(Duration.ofMinutes(-MAX_CLOCK_SKEW_MINUTES)) < 0) {
            throw new DrDrillError("backup captured_at " + capturedAt + " is in the future (now " + now
                    + "); a drill cannot pass with RPO 0");
        }
        double rpoMinutes = Numbers.round(Math.max(0, age.toMillis()) / 60_000.0, 3);
        double rto = Numbers.round(rtoSeconds, 3);
        List<PolicyViolation.Breach> breaches = new ArrayList<>();
        check(policies.maxRpoMinutes(), rpoMinutes, "max_rpo_minutes", "m", breaches);
        check(policies.maxRtoSeconds(), rto, "max_rto_seconds", "s", breaches);
        if (!breaches.isEmpty()) {
            throw new PolicyViolation(breaches, rpoMinutes, rto);
        }
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("rpo_minutes", rpoMinutes);
        facts.put("rto_seconds", rto);
        return new StepResult("RPO " + Numbers.format(rpoMinutes) + "m (limit " + Numbers.limit(policies.maxRpoMinutes(), "m")
                + "), RTO " + Numbers.format(rto) + "s (limit " + Numbers.limit(policies.maxRtoSeconds(), "s") + ")", facts,
                StepResult.Measures.policy(rto, rpoMinutes));
    }

    private static void check(Optional<Double> limit, double observed, String policy, String unit,
                              List<PolicyViolation.Breach> breaches) {
        if (limit.isPresent() && observed > limit.get()) {
            breaches.add(new PolicyViolation.Breach(policy, limit.get(), observed, unit));
        }
    }
}
