package io.drdrill.alerts;

import io.drdrill.evidence.DrillStatus;

import java.util.Objects;
import java.util.Optional;

/**
 * The facts of one drill an alert reports, read from the drill's recorded verdict: kept apart from the engine so
 * that what an alert says can be decided and tested without one.
 *
 * @param manifest the manifest, as the drill names it (its resolved path, or its catalog name)
 * @param evidence where the report is: its path, or a URL when the evidence is published
 */
public record DrillOutcome(String manifest, DrillStatus status, Optional<String> failedStage,
                           Optional<String> errorMessage, Optional<Double> rtoSeconds, Optional<Double> maxRtoSeconds,
                           Optional<Double> rpoMinutes, Optional<Double> maxRpoMinutes, String runId,
                           String processInstanceId, Optional<String> evidence) {

    public DrillOutcome {
        Objects.requireNonNull(manifest, "manifest");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(processInstanceId, "processInstanceId");
    }
}
