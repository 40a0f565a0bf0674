package io.drdrill.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Starting a process "before an activity" or "skipping custom listeners" would run a drill without its checks or
 * write evidence without its steps: over REST only {@code camunda-admin} may use those options.
 */
public class StartInstructionsFilter extends OncePerRequestFilter {

    static final String ADMIN_GROUP = "camunda-admin";
    private static final Pattern START = Pattern.compile(".*/process-definition/[^/]+(/[^/]+)?/(start|submit-form)$");
    private static final List<String> OPTIONS = List.of("startInstructions", "skipCustomListeners", "skipIoMappings");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY_BYTES = 4 << 20;

    private final IdentityService identity;

    public StartInstructionsFilter(IdentityService identity) {
        this.identity = identity;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !"POST".equals(request.getMethod()) || !START.matcher(request.getRequestURI()).matches();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        byte[] body = request.getInputStream().readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
            response.sendError(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE);
            return;
        }
        String option = restrictedOption(body);
        if (option != null && !isAdmin()) {
            response.setStatus(HttpServletResponse.SC_FORBIDDEN);
            response.setContentType("application/json");
            response.getWriter().write(JSON.writeValueAsString(java.util.Map.of("type", "AuthorizationException",
                    "message", "'" + option + "' may only be used by " + ADMIN_GROUP
                            + ": a drill always runs every step and its listeners")));
            return;
        }
        chain.doFilter(new CachedBody(request, body), response);
    }

    private static String restrictedOption(byte[] body) {
        try {
            JsonNode json = JSON.readTree(body);
            if (json == null || !json.isObject()) {
                return null;
            }
            for (String option : OPTIONS) {
                JsonNode value = json.get(option);
                if (value != null && !value.isNull() && !(value.isBoolean() && !value.booleanValue())
                        && !(value.isArray() && value.isEmpty())) {
                    return option;
                }
            }
            return null;
        } catch (IOException notJson) {
            return null;
        }
    }

    private boolean isAdmin() {
        Authentication current = identity.getCurrentAuthentication();
        return current != null && current.getGroupIds() != null && current.getGroupIds().contains(ADMIN_GROUP);
    }

    /** Hands the already-read body on to the REST API. */
    static final class CachedBody extends HttpServletRequestWrapper {
        private final byte[] body;

        CachedBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }
            };
        }

        @Override
        public java.io.BufferedReader getReader() {
            return new java.io.BufferedReader(new java.io.InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
        }
    }
}
