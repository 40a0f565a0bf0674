package io.drdrill.server;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.identity.Group;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Base64;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The actuator has no security of its own here: this filter authenticates {@code /actuator} calls with HTTP
 * Basic against the engine's users, like the REST API. The overall health is public (load balancers and probes);
 * its details, and every other endpoint ({@code /actuator/prometheus}), need a member of {@code dr-operators},
 * {@code auditors} or {@code camunda-admin}. An authenticated caller is passed on as the request's principal with
 * their groups as roles, which is what {@code management.endpoint.health.show-details=when-authorized} reads.
 */
public class ActuatorAccessFilter extends OncePerRequestFilter {

    static final Set<String> READERS = Set.of(IdentityBootstrap.OPERATORS, IdentityBootstrap.AUDITORS,
            StartInstructionsFilter.ADMIN_GROUP);
    private static final String BASIC = "Basic ";

    private final IdentityService identity;

    public ActuatorAccessFilter(IdentityService identity) {
        this.identity = identity;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        boolean health = path.equals("/actuator/health") || path.startsWith("/actuator/health/");
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, BASIC, 0, BASIC.length())) {
            if (health) {
                chain.doFilter(request, response);
            } else {
                challenge(response);
            }
            return;
        }
        Caller caller = authenticate(header.substring(BASIC.length()).trim());
        if (caller == null) {
            challenge(response);
            return;
        }
        if (!health && caller.groups().stream().noneMatch(READERS::contains)) {
            response.sendError(HttpServletResponse.SC_FORBIDDEN);
            return;
        }
        chain.doFilter(new Authenticated(request, caller), response);
    }

    private Caller authenticate(String encoded) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            return null;
        }
        String user = decoded.substring(0, colon);
        if (!identity.checkPassword(user, decoded.substring(colon + 1))) {
            return null;
        }
        Set<String> groups = identity.createGroupQuery().groupMember(user).list().stream().map(Group::getId)
                .collect(Collectors.toUnmodifiableSet());
        return new Caller(user, groups);
    }

    private static void challenge(HttpServletResponse response) throws IOException {
        response.setHeader("WWW-Authenticate", "Basic realm=\"dr-drill\"");
        response.sendError(HttpServletResponse.SC_UNAUTHORIZED);
    }

    private record Caller(String user, Set<String> groups) implements Principal {
        @Override
        public String getName() {
            return user;
        }
    }

    /** The request as seen by the actuator: this caller, with their groups as roles. */
    private static final class Authenticated extends HttpServletRequestWrapper {
        private final Caller caller;

        Authenticated(HttpServletRequest request, Caller caller) {
            super(request);
            this.caller = caller;
        }

        @Override
        public Principal getUserPrincipal() {
            return caller;
        }

        @Override
        public String getRemoteUser() {
            return caller.user();
        }

        @Override
        public boolean isUserInRole(String role) {
            return caller.groups().contains(role);
        }

        @Override
        public String getAuthType() {
            return BASIC_AUTH;
        }
    }
}
