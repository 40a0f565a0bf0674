package io.drdrill.testsupport;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * A real HTTP receiver for webhook tests (the JDK's HttpServer on 127.0.0.1 and a free port): it records every
 * request and answers with the statuses a test queues, 200 once the queue is empty.
 */
public final class WebhookReceiver implements AutoCloseable {

    /** One request as the receiver saw it. */
    public record Request(String method, String path, Map<String, List<String>> headers, String body) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new ArrayList<>();
    private final Deque<Integer> answers = new ArrayDeque<>();

    private WebhookReceiver(HttpServer server) {
        this.server = server;
    }

    public static WebhookReceiver start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            WebhookReceiver receiver = new WebhookReceiver(server);
            server.createContext("/", exchange -> {
                String body;
                try (InputStream in = exchange.getRequestBody()) {
                    body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                int status;
                synchronized (receiver) {
                    receiver.requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                            Map.copyOf(exchange.getRequestHeaders()), body));
                    status = receiver.answers.isEmpty() ? 200 : receiver.answers.poll();
                }
                exchange.sendResponseHeaders(status, -1);
                exchange.close();
            });
            server.start();
            return receiver;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code http://127.0.0.1:PORT/PATH}. */
    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** The next requests are answered with these statuses, in order. */
    public synchronized void answer(int... statuses) {
        for (int status : statuses) {
            answers.add(status);
        }
    }

    /** Every request from now on is answered with this status. */
    public synchronized void alwaysAnswer(int status) {
        answers.clear();
        for (int i = 0; i < 1000; i++) {
            answers.add(status);
        }
    }

    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    public synchronized void reset() {
        requests.clear();
        answers.clear();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
