package io.drdrill.schedule;

import java.time.Instant;
import java.util.Optional;

/**
 * What one scheduler tick decided for one manifest, with what an operator needs to see why.
 *
 * @param due         a drill is to start now
 * @param missedSlots fire times that passed since the reference, counted up to {@link DueRule#MAX_COUNTED_SLOTS};
 *                    more than one means a catch-up after downtime (still one drill)
 * @param firstMissed the earliest of them, when due
 * @param nextFire    the next fire time after now (empty when the cron never fires again)
 */
public record ScheduleDecision(boolean due, int missedSlots, Optional<Instant> firstMissed,
                               Optional<Instant> nextFire) {
}
