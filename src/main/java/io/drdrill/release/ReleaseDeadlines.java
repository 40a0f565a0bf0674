package io.drdrill.release;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.Date;

/** Used by the model: {@code ${releaseDeadlines.approvalDue()}} and {@code ${releaseDeadlines.reminderAfter()}}. */
@Component("releaseDeadlines")
@EnableConfigurationProperties(ReleaseSettings.class)
public class ReleaseDeadlines {

    private final ReleaseSettings settings;

    public ReleaseDeadlines(ReleaseSettings settings) {
        this.settings = settings;
    }

    public Date approvalDue() {
        return Date.from(Instant.now().plus(settings.approvalDue()));
    }

    /** ISO-8601 duration for the reminder timer. */
    public String reminderAfter() {
        return settings.reminderAfter().toString();
    }
}
