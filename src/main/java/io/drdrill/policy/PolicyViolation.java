package io.drdrill.policy;

import java.util.List;
import java.util.stream.Collectors;

/** The restore worked but a recovery objective was missed: each breach names its limit and observed value. */
public class PolicyViolation extends RuntimeException {

    private final List<Breach> breaches;
    private final double rpoMinutes;
    private final double rtoSeconds;

    public PolicyViolation(List<Breach> breaches, double rpoMinutes, double rtoSeconds) {
        super(breaches.stream().map(Breach::describe).collect(Collectors.joining("; ")));
        this.breaches = List.copyOf(breaches);
        this.rpoMinutes = rpoMinutes;
        this.rtoSeconds = rtoSeconds;
    }

    /** Observed RPO, recorded in the evidence even though the gate failed. */
    public double rpoMinutes() {
        return rpoMinutes;
    }

    /** Observed RTO, recorded in the evidence even though the gate failed. */
    public double rtoSeconds() {
        return rtoSeconds;
    }

    public List<Breach> breaches() {
        return breaches;
    }

    /** @param policy {@code max_rpo_minutes} or {@code max_rto_seconds} */
    public record Breach(String policy, double limit, double observed, String unit) {

        public String describe() {
            return policy + " breached: observed " + Numbers.format(observed) + unit
                    + " > limit " + Numbers.format(limit) + unit;
        }
    }
}
