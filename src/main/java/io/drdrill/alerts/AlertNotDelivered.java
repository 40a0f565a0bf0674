package io.drdrill.alerts;

/**
 * A receiver did not take an alert (no answer, a non-2xx answer, a refused mail). The message is one line that
 * names the channel and never its secrets (a webhook's URL path or headers), because it becomes an incident.
 */
public class AlertNotDelivered extends RuntimeException {

    public AlertNotDelivered(String message) {
        super(message);
    }

    public AlertNotDelivered(String message, Throwable cause) {
        super(message, cause);
    }
}
