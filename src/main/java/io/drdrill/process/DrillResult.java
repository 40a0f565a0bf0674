package io.drdrill.process;

import io.drdrill.evidence.DrillStatus;

import java.util.Optional;

/**
 * A drill's verdict as the engine's history records it.
 *
 * @param status empty while the process instance has not ended
 */
public record DrillResult(String processInstanceId, String runId, Optional<DrillStatus> status,
                          Optional<String> failedStage, Optional<String> errorMessage,
                          Optional<Double> rtoSeconds, Optional<Double> rpoMinutes,
                          Optional<Double> maxRtoSeconds, Optional<Double> maxRpoMinutes,
                          Optional<String> reportPath) {
}
