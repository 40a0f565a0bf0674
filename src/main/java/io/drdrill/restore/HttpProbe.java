package io.drdrill.restore;

import io.drdrill.manifest.PostRestoreCheck;
import io.drdrill.step.Text;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * An {@code http} check: one GET, no redirect followed (a redirect is a status like any other, and never leads
 * the drill to another host), no proxy, the answer's status compared and at most {@link #MAX_BODY_BYTES} of its
 * body searched for the expected text, all within the timeout.
 */
final class HttpProbe {

    static final int MAX_BODY_BYTES = 1 << 20;

    private HttpProbe() {
    }

    static PostRestoreChecks.Passed run(PostRestoreCheck.Http check) {
        Duration timeout = Duration.ofSeconds(check.timeoutSeconds());
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .proxy(HttpClient.Builder.NO_PROXY).connectTimeout(timeout).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(check.url())).GET().timeout(timeout)
                .header("User-Agent", "dr-drill post-restore check").build();
        String url = Text.middle(check.url(), 200);
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpConnectTimeoutException e) {
            throw new PostRestoreChecks.Failed("GET " + url + ": no connection within " + check.timeoutSeconds() + "s");
        } catch (HttpTimeoutException e) {
            throw new PostRestoreChecks.Failed("GET " + url + ": no answer within " + check.timeoutSeconds() + "s");
        } catch (IOException e) {
            throw new PostRestoreChecks.Failed("GET " + url + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PostRestoreChecks.Failed("GET " + url + ": interrupted");
        }
        try (InputStream body = response.body()) {
            int status = response.statusCode();
            if (status != check.expectStatus()) {
                String location = response.headers().firstValue("Location")
                        .map(l -> " (redirects are not followed; Location: " + Text.middle(l, 200) + ")").orElse("");
                throw new PostRestoreChecks.Failed("GET " + url + ": expected status " + check.expectStatus()
                        + ", got " + status + location);
            }
            if (check.expectBodyContains().isEmpty()) {
                return new PostRestoreChecks.Passed("GET " + url + " answered " + status);
            }
            byte[] read = readBounded(body, deadline, check.timeoutSeconds(), url);
            String text = new String(read, StandardCharsets.UTF_8);
            String expected = check.expectBodyContains().get();
            if (!text.contains(expected)) {
                throw new PostRestoreChecks.Failed("GET " + url + " answered " + status + " but its body ("
                        + read.length + " bytes read) does not contain '" + Text.shorten(expected, 120) + "'");
            }
            return new PostRestoreChecks.Passed("GET " + url + " answered " + status + " with '"
                    + Text.shorten(expected, 120) + "' in its body");
        } catch (IOException e) {
            throw new PostRestoreChecks.Failed("GET " + url + ": reading the answer failed: " + e.getMessage());
        }
    }

    /** Up to {@link #MAX_BODY_BYTES}, read on a thread of its own so a body that trickles cannot outlast the deadline. */
    private static byte[] readBounded(InputStream body, long deadline, long timeoutSeconds, String url)
            throws IOException {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        IOException[] failure = new IOException[1];
        Thread reader = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try {
                int n;
                while (kept.size() < MAX_BODY_BYTES
                        && (n = body.read(buffer, 0, Math.min(buffer.length, MAX_BODY_BYTES - kept.size()))) > 0) {
                    synchronized (kept) {
                        kept.write(buffer, 0, n);
                    }
                }
            } catch (IOException e) {
                failure[0] = e;
            }
        }, "post-restore-http-body");
        reader.setDaemon(true);
        reader.start();
        try {
            reader.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (reader.isAlive()) {
            body.close();
            throw new PostRestoreChecks.Failed("GET " + url + ": the body did not arrive within " + timeoutSeconds + "s");
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        synchronized (kept) {
            return kept.toByteArray();
        }
    }
}
