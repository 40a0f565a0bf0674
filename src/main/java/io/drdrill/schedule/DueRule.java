package io.drdrill.schedule;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

/**
 * Whether a scheduled drill is due, without any engine: a drill is due when at least one fire time of its cron
 * passed after its reference time (its last scheduled start) and not after now. However many slots passed — an
 * engine that was down for a day with a one-minute schedule — the answer is one drill, never one per slot.
 */
public final class DueRule {

    /** Missed slots are counted for the log up to this many; the decision does not depend on the count. */
    public static final int MAX_COUNTED_SLOTS = 1000;

    private DueRule() {
    }

    /**
     * @param lastScheduledStart when the scheduler last started a drill of this manifest
     * @param previousTick       when the scheduler looked before this tick: the reference of a manifest it never
     *                           started (new in the catalog, or newly scheduled), so that it starts at its first
     *                           fire time after it appeared, not at once
     * @param now                the engine's clock
     * @param zone               the zone the cron is read in (the engine reads timer cycles in the JVM's zone)
     */
    public static ScheduleDecision decide(Schedule schedule, Optional<Instant> lastScheduledStart,
                                          Optional<Instant> previousTick, Instant now, ZoneId zone) {
        Optional<Instant> reference = lastScheduledStart.or(() -> previousTick);
        Optional<Instant> nextAfterNow = schedule.nextAfter(now, zone);
        if (reference.isEmpty() || reference.get().isAfter(now)) {
            return new ScheduleDecision(false, 0, Optional.empty(), nextAfterNow);
        }
        Optional<Instant> first = schedule.nextAfter(reference.get(), zone).filter(t -> !t.isAfter(now));
        if (first.isEmpty()) {
            return new ScheduleDecision(false, 0, Optional.empty(), nextAfterNow);
        }
        int missed = 1;
        for (Optional<Instant> slot = schedule.nextAfter(first.get(), zone);
             slot.isPresent() && !slot.get().isAfter(now) && missed < MAX_COUNTED_SLOTS;
             slot = schedule.nextAfter(slot.get(), zone)) {
            missed++;
        }
        return new ScheduleDecision(true, missed, first, nextAfterNow);
    }
}
