package io.drdrill.testsupport;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** The server tests' one way to call the running server over HTTP, as a client would, with HTTP Basic. */
public final class HttpCalls {

    private HttpCalls() {
    }

    /** @param credentials {@code user:password}, or null for an anonymous call; body is JSON or null */
    public static HttpResponse<String> send(HttpClient http, String url, String method, String credentials,
                                            String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (credentials != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The answer's JSON; an empty body reads as an empty object. */
    public static JsonNode json(HttpResponse<String> response) throws IOException {
        return TestBundle.JSON.readTree(response.body().isEmpty() ? "{}" : response.body());
    }
}
