package io.drdrill.evidence;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything the evidence files say about one drill.
 *
 * @param manifest          path of the manifest as given (null when unknown)
 * @param manifestSha256    null when the manifest could not be read
 * @param backupCapturedAt  null when the manifest could not be read
 * @param rtoSeconds        null when the restore was not reached
 * @param rpoMinutes        null when the policy gate was not reached
 * @param failedStage       step id, or null
 * @param error             null unless the drill did not pass
 * @param notes             facts gathered by the steps, merged into the report's {@code notes}
 */
public record DrillRecord(String runId, Instant startedAt, Instant endedAt, DrillStatus status,
                          String manifest, String manifestSha256, Instant backupCapturedAt,
                          Double rtoSeconds, Double rpoMinutes, String failedStage, Error error,
                          Map<String, Object> notes, List<DrillEvent> events, String processInstanceId) {

    public record Error(String type, String message) {
    }
}
