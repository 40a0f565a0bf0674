package io.drdrill.alerts;

/** One receiver of alerts (a webhook, a mail distribution); the senders that speak HTTP or SMTP implement it. */
public interface AlertChannel {

    /** A stable key for the delivery record, e.g. {@code webhook[0]} or {@code mail}. */
    String id();

    /** How messages name the channel: its key and host, never a secret ({@code webhook[0] (hooks.example.com)}). */
    String describe();

    /** Hands the notification to the receiver; returns only once the receiver accepted it. */
    void send(Notification notification) throws AlertNotDelivered;
}
