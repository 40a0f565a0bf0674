package io.drdrill.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.drdrill.process.RefusalsAsAnswers;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.camunda.bpm.engine.AuthorizationException;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * The REST API's start and form-submission resources answer any engine exception but an authorization error with
 * "500 Cannot instantiate process definition …: <rule>". When such a 500 came from a business rule that refused
 * (a release without a name, a review without its acknowledgement; see {@link RefusalsAsAnswers}), the caller
 * gets the rule instead: 400 for bad input, 403 for who may not, with the one-line message as the body's
 * {@code message}, as Camunda's own error bodies have it. Only requests that change something are buffered.
 */
public class RefusalResponseFilter extends OncePerRequestFilter {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        // fetchAndLock long-polls: its answer is written after this filter returned, so it must not be buffered
        return "GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod())
                || "OPTIONS".equals(request.getMethod()) || request.getRequestURI().contains("/external-task/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        ContentCachingResponseWrapper buffered = new ContentCachingResponseWrapper(response);
        RefusalsAsAnswers.forgetRefusal();
        try {
            chain.doFilter(request, buffered);
            Optional<RuntimeException> refusal = RefusalsAsAnswers.lastRefusal();
            if (buffered.getStatus() >= 500 && refusal.isPresent()) {
                boolean forbidden = refusal.get() instanceof AuthorizationException;
                buffered.resetBuffer();
                buffered.setStatus(forbidden ? HttpServletResponse.SC_FORBIDDEN : HttpServletResponse.SC_BAD_REQUEST);
                buffered.setContentType("application/json");
                buffered.setCharacterEncoding(StandardCharsets.UTF_8.name());
                buffered.getOutputStream().write(JSON.writeValueAsBytes(Map.of(
                        "type", refusal.get().getClass().getSimpleName(), "message", refusal.get().getMessage())));
            }
        } finally {
            RefusalsAsAnswers.forgetRefusal();
            buffered.copyBodyToResponse();
        }
    }
}
