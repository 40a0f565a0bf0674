package io.drdrill.release;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * {@code drdrill.release.*}: how long approvers have, and when they are reminded.
 *
 * @param approvalDue   due date of "Approve release", counted from when the task is created (default 2 days)
 * @param reminderAfter when the approvers are reminded if nobody has decided (default 1 day)
 */
@ConfigurationProperties("drdrill.release")
public record ReleaseSettings(Duration approvalDue, Duration reminderAfter) {

    public ReleaseSettings {
        approvalDue = approvalDue == null ? Duration.ofDays(2) : approvalDue;
        reminderAfter = reminderAfter == null ? Duration.ofDays(1) : reminderAfter;
    }
}
