package io.drdrill.evidenceweb;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Serves each drill's evidence read-only over HTTP: {@code GET /drills/{runId}/} lists its files as JSON,
 * {@code GET /drills/{runId}/{file}} and {@code /drills/{runId}/restore/{file}} stream one. The order of the
 * answers: 405 for a method other than GET or HEAD, 400 for a malformed path, 401 without valid credentials,
 * 404 for an unknown drill, 403 when the caller may not read its history, 404 for a file that is not there (or is
 * not a regular file). Every answer is uncacheable and sandboxed, so an evidence file opened in a browser runs
 * nothing and is never taken for another type.
 */
final class EvidenceServlet extends HttpServlet {

    static final String REALM = "Basic realm=\"dr-drill\"";
    static final String CONTENT_SECURITY_POLICY =
            "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:";
    private static final Logger LOG = LoggerFactory.getLogger(EvidenceServlet.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BUFFER = 64 * 1024;

    private final transient DrillReaders readers;
    private final transient EvidenceFolder evidence;

    EvidenceServlet(DrillReaders readers, EvidenceFolder evidence) {
        this.readers = readers;
        this.evidence = evidence;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        secure(response);
        boolean head = "HEAD".equals(request.getMethod());
        if (!head && !"GET".equals(request.getMethod())) {
            response.setHeader("Allow", "GET, HEAD");
            problem(response, head, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "MethodNotAllowed",
                    "evidence is read-only: GET or HEAD");
            return;
        }
        EvidenceRoute route;
        try {
            String uri = request.getRequestURI();
            String context = request.getContextPath();
            if (!uri.startsWith(context)) {
                throw new EvidenceRoute.Malformed("not an evidence path");
            }
            route = EvidenceRoute.parse(uri.substring(context.length()));
        } catch (EvidenceRoute.Malformed malformed) {
            problem(response, head, HttpServletResponse.SC_BAD_REQUEST, "InvalidRequest", malformed.getMessage());
            return;
        }
        Optional<DrillReaders.Reader> reader = readers.authenticate(request);
        if (reader.isEmpty()) {
            response.setHeader("WWW-Authenticate", REALM);
            problem(response, head, HttpServletResponse.SC_UNAUTHORIZED, "Unauthorized",
                    "sign in to Cockpit or Tasklist, or use HTTP Basic with your engine user");
            return;
        }
        String runId = route.runId();
        switch (readers.access(reader.get(), runId)) {
            case UNKNOWN_DRILL -> problem(response, head, HttpServletResponse.SC_NOT_FOUND, "NotFound",
                    "no drill " + runId);
            case FORBIDDEN -> problem(response, head, HttpServletResponse.SC_FORBIDDEN, "Forbidden",
                    reader.get().userId() + " may not read the history of drill " + runId);
            case ALLOWED -> serve(request, response, head, route);
        }
    }

    private void serve(HttpServletRequest request, HttpServletResponse response, boolean head, EvidenceRoute route)
            throws IOException {
        try {
            if (route instanceof EvidenceRoute.Listing listing) {
                list(request, response, head, listing);
            } else if (route instanceof EvidenceRoute.File file) {
                send(response, head, file);
            }
        } catch (IOException e) {
            LOG.warn("evidence of {} could not be read: {}", route.runId(), e.toString());
            if (!response.isCommitted()) {
                response.reset();
                secure(response);
                problem(response, head, HttpServletResponse.SC_INTERNAL_SERVER_ERROR, "ServerError",
                        "the evidence could not be read");
            }
        }
    }

    private static void secure(HttpServletResponse response) {
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    }

    private void list(HttpServletRequest request, HttpServletResponse response, boolean head,
                      EvidenceRoute.Listing listing) throws IOException {
        Optional<List<EvidenceFolder.Listed>> files = evidence.list(listing.runId());
        if (files.isEmpty()) {
            problem(response, head, HttpServletResponse.SC_NOT_FOUND, "NotFound",
                    "drill " + listing.runId() + " has no evidence folder");
            return;
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("run_id", listing.runId());
        ArrayNode array = body.putArray("files");
        String base = request.getContextPath() + EvidenceRoute.PREFIX + "/" + listing.runId() + "/";
        for (EvidenceFolder.Listed file : files.get()) {
            array.addObject().put("name", file.name()).put("size", file.size()).put("href", base + file.name());
        }
        write(response, head, HttpServletResponse.SC_OK, JSON.writeValueAsBytes(body));
    }

    private void send(HttpServletResponse response, boolean head, EvidenceRoute.File file) throws IOException {
        Optional<EvidenceFolder.Opened> found = evidence.open(file.runId(), file.folder(), file.name());
        if (found.isEmpty()) {
            String shown = file.folder().isEmpty() ? file.name() : file.folder() + "/" + file.name();
            problem(response, head, HttpServletResponse.SC_NOT_FOUND, "NotFound",
                    "drill " + file.runId() + " has no evidence file " + shown);
            return;
        }
        try (EvidenceFolder.Opened opened = found.get()) {
            response.setStatus(HttpServletResponse.SC_OK);
            response.setContentType(contentType(file.name()));
            response.setHeader("Content-Disposition", "inline; filename=\"" + file.name() + "\"");
            response.setContentLengthLong(opened.size());
            if (head) {
                return;
            }
            copy(Channels.newInputStream(opened.channel()), response.getOutputStream(), opened.size());
        }
    }

    /** Exactly {@code length} bytes (the size when opened: a log still being written is sent as it was then). */
    private static void copy(InputStream in, OutputStream out, long length) throws IOException {
        byte[] buffer = new byte[BUFFER];
        long left = length;
        while (left > 0) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (read < 0) {
                throw new IOException("the file became shorter while it was sent");
            }
            out.write(buffer, 0, read);
            left -= read;
        }
        out.flush();
    }

    static String contentType(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".json")) {
            return "application/json;charset=utf-8";
        }
        if (lower.endsWith(".ndjson")) {
            return "application/x-ndjson;charset=utf-8";
        }
        if (lower.endsWith(".log") || lower.endsWith(".txt")) {
            return "text/plain;charset=utf-8";
        }
        if (lower.endsWith(".html")) {
            return "text/html;charset=utf-8";
        }
        return "application/octet-stream";
    }

    /** A one-line JSON answer {@code {"type": ..., "message": ...}}. */
    private static void problem(HttpServletResponse response, boolean head, int status, String type, String message)
            throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("type", type);
        body.put("message", message);
        write(response, head, status, JSON.writeValueAsBytes(body));
    }

    private static void write(HttpServletResponse response, boolean head, int status, byte[] json)
            throws IOException {
        response.setStatus(status);
        response.setContentType("application/json;charset=utf-8");
        response.setContentLength(json.length);
        if (!head) {
            response.getOutputStream().write(json);
        }
    }
}
