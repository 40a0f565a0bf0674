package io.drdrill.alerts;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which channels have taken one drill's alert: kept with the drill (a JSON process variable), so that a retry
 * after one channel failed resends only to the channels that did not take it, and the alert chosen at the first
 * attempt (failed or recovered) is the one every retry sends.
 *
 * @param alert          {@code failed} or {@code recovered}
 * @param previousStatus the verdict of the manifest's previous drill when the alert was decided, or null
 * @param channels       per channel key ({@code webhook[0]}, {@code mail}): when it was delivered, attempts, last error
 */
public record AlertDelivery(String alert, String previousStatus, Map<String, Channel> channels) {

    /** One channel's delivery: {@code deliveredAt} is null until the receiver took the alert. */
    public record Channel(String deliveredAt, int attempts, String lastError) {
    }

    public AlertDelivery {
        channels = channels == null ? Map.of() : Map.copyOf(channels);
    }

    /** A delivery not yet attempted anywhere. */
    public static AlertDelivery of(Alert alert) {
        return new AlertDelivery(alert.kind().json(), alert.previousStatus().map(s -> s.json()).orElse(null), Map.of());
    }

    /** A delivery of a missed scheduled run, not yet attempted anywhere. */
    public static AlertDelivery of(MissedRun missed) {
        return new AlertDelivery(missed.deliveryKind(), null, Map.of());
    }

    /** A delivery of a "restore waiting for a worker" alert, not yet attempted anywhere. */
    public static AlertDelivery of(RestoreWaiting waiting) {
        return new AlertDelivery(waiting.deliveryKind(), null, Map.of());
    }

    public boolean deliveredTo(String channel) {
        Channel state = channels.get(channel);
        return state != null && state.deliveredAt() != null;
    }

    public AlertDelivery withDelivered(String channel, Instant at) {
        return with(channel, new Channel(at.toString(), attemptsAt(channel) + 1, null));
    }

    public AlertDelivery withFailure(String channel, String error) {
        return with(channel, new Channel(null, attemptsAt(channel) + 1, error));
    }

    private int attemptsAt(String channel) {
        Channel state = channels.get(channel);
        return state == null ? 0 : state.attempts();
    }

    private AlertDelivery with(String channel, Channel state) {
        Map<String, Channel> next = new LinkedHashMap<>(channels);
        next.put(channel, state);
        return new AlertDelivery(alert, previousStatus, next);
    }
}
