package io.drdrill.scheduler;

import io.drdrill.schedule.Schedule;
import org.springframework.boot.context.properties.ConfigurationProperties;

import java.util.Optional;

/**
 * {@code drdrill.schedule.*} settings.
 *
 * @param defaultCron the schedule of catalog manifests that have none of their own; absent means they run only
 *                    when someone starts them. Checked at start: a server never runs with a cron it cannot read.
 */
@ConfigurationProperties("drdrill.schedule")
public record ScheduleSettings(String defaultCron) {

    public ScheduleSettings {
        if (defaultCron != null && defaultCron.isBlank()) {
            defaultCron = null;
        }
        if (defaultCron != null) {
            try {
                Schedule.of(defaultCron);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("drdrill.schedule.default-cron: " + e.getMessage());
            }
        }
    }

    public Optional<Schedule> defaultSchedule() {
        return Optional.ofNullable(defaultCron).map(Schedule::of);
    }
}
