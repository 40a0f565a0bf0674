package io.drdrill.scheduler;

import java.util.List;

/**
 * Due drills of one scheduler tick, as kept in its history (a JSON variable, shown as JSON in Cockpit).
 *
 * @param runs one entry per due manifest
 */
public record ScheduledRuns(List<Run> runs) {

    public ScheduledRuns {
        runs = runs == null ? List.of() : List.copyOf(runs);
    }

    /**
     * @param manifest          the manifest's catalog name (the drill's business key)
     * @param cron              the schedule that made it due
     * @param slot              the earliest fire time not yet served (ISO-8601)
     * @param missedSlots       fire times passed since the last scheduled start (counted up to 1000); one drill
     *                          serves them all
     * @param processInstanceId the drill started, or the running drill that made this tick skip it
     * @param reason            why it was skipped; null when it was started
     */
    public record Run(String manifest, String cron, String slot, int missedSlots, String processInstanceId,
                      String reason) {
    }
}
