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
        return send(http, url, method, credentials, body, Duration.ofSeconds(30));
    }

    /** As {@link #send(HttpClient, String, String, String, String)}, waiting up to {@code timeout} for the answer. */
    public static HttpResponse<String> send(HttpClient http, String url, String method, String credentials,
                                            String body, Duration timeout) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(timeout)
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

    /**
     * Creates an engine user over the REST API at {@code restBase} ({@code http://host:port/engine-rest}) as the
     * administrator, in {@code groups}.
     *
     * @return the user's {@code id:password} credentials
     */
    public static String createUser(HttpClient http, String restBase, String adminCredentials, String id,
                                    String password, String... groups) throws IOException, InterruptedException {
        String body = "{\"profile\":{\"id\":\"" + id + "\",\"firstName\":\"" + id + "\",\"lastName\":\"Test\"},"
                + "\"credentials\":{\"password\":\"" + password + "\"}}";
        expect(send(http, restBase + "/user/create", "POST", adminCredentials, body), 204);
        for (String group : groups) {
            expect(send(http, restBase + "/group/" + group + "/members/" + id, "PUT", adminCredentials, null), 204);
        }
        return id + ":" + password;
    }

    private static void expect(HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            throw new AssertionError(response.request().uri() + ": expected " + status + ", got "
                    + response.statusCode() + " " + response.body());
        }
    }

    /** The answer's JSON; an empty body reads as an empty object. */
    public static JsonNode json(HttpResponse<String> response) throws IOException {
        return TestBundle.JSON.readTree(response.body().isEmpty() ? "{}" : response.body());
    }
}
