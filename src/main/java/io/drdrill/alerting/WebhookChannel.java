package io.drdrill.alerting;

import io.drdrill.alerts.AlertChannel;
import io.drdrill.alerts.AlertNotDelivered;
import io.drdrill.alerts.Notification;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Posts alerts to one webhook with the JDK's HTTP client: the JSON body with a Slack-compatible {@code text}.
 * Only a 2xx answer counts as delivered; a refused connection, a timeout, a redirect or any other status is a
 * failure. Messages name the webhook by its index and host, never its path or headers (where tokens live).
 */
public final class WebhookChannel implements AlertChannel {

    private final int index;
    private final URI url;
    private final Map<String, String> headers;
    private final HttpClient client;
    private final Duration requestTimeout;

    public WebhookChannel(int index, URI url, Map<String, String> headers, HttpClient client, Duration requestTimeout) {
        this.index = index;
        this.url = url;
        this.headers = Map.copyOf(headers);
        this.client = client;
        this.requestTimeout = requestTimeout;
    }

    /** The request this channel sends; building it also checks the configured headers once, at start. */
    HttpRequest request(String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(requestTimeout);
        headers.forEach(request::header);
        return request.setHeader("Content-Type", "application/json; charset=utf-8")
                .setHeader("User-Agent", "dr-drill")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
    }

    @Override
    public String id() {
        return "webhook[" + index + "]";
    }

    @Override
    public String describe() {
        return id() + " (" + url.getHost() + ")";
    }

    @Override
    public void send(Notification alert) {
        HttpResponse<Void> response;
        try {
            response = client.send(request(alert.json()), HttpResponse.BodyHandlers.discarding());
        } catch (HttpTimeoutException e) {
            throw new AlertNotDelivered(describe() + ": no answer within " + requestTimeout.toSeconds() + " s");
        } catch (ConnectException e) {
            throw new AlertNotDelivered(describe() + ": cannot connect (" + reason(e) + ")");
        } catch (IOException e) {
            throw new AlertNotDelivered(describe() + ": " + reason(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AlertNotDelivered(describe() + ": interrupted");
        }
        if (response.statusCode() / 100 != 2) {
            throw new AlertNotDelivered(describe() + ": HTTP " + response.statusCode());
        }
    }

    private static String reason(Exception e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message.lines().findFirst().orElse("");
    }
}
