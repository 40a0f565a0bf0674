package io.drdrill.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A {@code dr-workers} user may do over REST what a restore worker does and nothing else: fetch and lock the
 * restore tasks, extend, unlock, complete them or report a BPMN error or a failure, and count them. The engine's
 * authorizations for fetching and completing ({@code READ_INSTANCE}, {@code UPDATE_INSTANCE} on {@code dr-drill})
 * would also let it set any variable or modify a drill; this filter refuses every other call with 403. A user who
 * is also in another group (an operator, an administrator) is not restricted here.
 */
public class WorkerRestFilter extends OncePerRequestFilter {

    private static final List<Pattern> ALLOWED = List.of(
            Pattern.compile("POST .*/external-task/fetchAndLock"),
            Pattern.compile("POST .*/external-task/[0-9a-fA-F-]{1,64}/(complete|extendLock|unlock|failure|bpmnError)"),
            Pattern.compile("GET .*/external-task/count"));
    private static final ObjectMapper JSON = new ObjectMapper();

    private final IdentityService identity;

    public WorkerRestFilter(IdentityService identity) {
        this.identity = identity;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication current = identity.getCurrentAuthentication();
        List<String> groups = current == null || current.getGroupIds() == null ? List.of() : current.getGroupIds();
        boolean workerOnly = groups.contains(IdentityBootstrap.WORKERS) && groups.size() == 1;
        String call = request.getMethod() + " " + request.getRequestURI();
        if (workerOnly && ALLOWED.stream().noneMatch(p -> p.matcher(call).matches())) {
            response.setStatus(HttpServletResponse.SC_FORBIDDEN);
            response.setContentType("application/json");
            response.getWriter().write(JSON.writeValueAsString(Map.of("type", "AuthorizationException",
                    "message", "a " + IdentityBootstrap.WORKERS + " user may only fetch, extend, unlock and report "
                            + "restore tasks")));
            return;
        }
        chain.doFilter(request, response);
    }
}
