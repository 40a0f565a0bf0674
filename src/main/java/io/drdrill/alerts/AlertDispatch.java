package io.drdrill.alerts;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Sends one alert to every channel that has not taken it yet, and says what happened: each channel gets the
 * alert once, however often the sending is retried because another channel failed.
 */
public final class AlertDispatch {

    private final List<AlertChannel> channels;
    private final Clock clock;

    public AlertDispatch(List<AlertChannel> channels, Clock clock) {
        this.channels = List.copyOf(channels);
        this.clock = clock;
    }

    /** What one attempt achieved: the delivery record to keep, and one line per channel that failed. */
    public record Result(AlertDelivery delivery, List<String> failures) {
        public boolean complete() {
            return failures.isEmpty();
        }
    }

    public boolean hasChannels() {
        return !channels.isEmpty();
    }

    public Result send(Notification alert, AlertDelivery recorded) {
        AlertDelivery delivery = recorded;
        List<String> failures = new ArrayList<>();
        for (AlertChannel channel : channels) {
            if (delivery.deliveredTo(channel.id())) {
                continue;
            }
            try {
                channel.send(alert);
                delivery = delivery.withDelivered(channel.id(), clock.instant());
            } catch (AlertNotDelivered e) {
                delivery = delivery.withFailure(channel.id(), e.getMessage());
                failures.add(e.getMessage());
            }
        }
        return new Result(delivery, List.copyOf(failures));
    }
}
