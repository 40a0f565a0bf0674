package io.drdrill.evidenceweb;

import io.drdrill.process.DrDrillProcess;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.identity.Group;
import org.camunda.bpm.engine.identity.Tenant;
import org.camunda.bpm.webapp.impl.security.auth.Authentication;
import org.camunda.bpm.webapp.impl.security.auth.AuthenticationUtil;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Who asks for evidence, and whether they may read that drill. A caller is an engine user, authenticated as the
 * REST API does it (HTTP Basic checked by the identity service) or by the session the Camunda web apps keep after
 * their login; their groups and tenants are read afresh from the identity service, as the REST API's
 * authentication filter does. A caller may read a drill's evidence exactly when the engine, checking
 * authorizations as that caller, lets them find the drill in its history.
 */
final class DrillReaders {

    private static final String BASIC = "Basic ";

    private final ProcessEngine engine;

    DrillReaders(ProcessEngine engine) {
        this.engine = engine;
    }

    /** An authenticated engine user with their groups and tenants. */
    record Reader(String userId, List<String> groupIds, List<String> tenantIds) {
    }

    /** Whether a reader may read a drill. */
    enum Access {
        /** no {@code dr-drill} instance has that run id */
        UNKNOWN_DRILL,
        /** the drill exists, but its history is not readable by the caller */
        FORBIDDEN,
        ALLOWED
    }

    /**
     * The caller of {@code request}: HTTP Basic when the request carries it (wrong credentials are no caller,
     * whatever the session), else the web apps' session when its id came in a cookie.
     */
    Optional<Reader> authenticate(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, BASIC, 0, BASIC.length())) {
            return basic(header.substring(BASIC.length()).trim());
        }
        return webAppSession(request);
    }

    Access access(Reader reader, String runId) {
        IdentityService identity = engine.getIdentityService();
        identity.clearAuthentication();
        if (drills(runId) == 0) {
            return Access.UNKNOWN_DRILL;
        }
        identity.setAuthentication(reader.userId(), reader.groupIds(), reader.tenantIds());
        try {
            return drills(runId) > 0 ? Access.ALLOWED : Access.FORBIDDEN;
        } finally {
            identity.clearAuthentication();
        }
    }

    private long drills(String runId) {
        HistoryService history = engine.getHistoryService();
        return history.createHistoricProcessInstanceQuery().processDefinitionKey(DrDrillProcess.PROCESS_KEY)
                .variableValueEquals(DrDrillProcess.Variables.RUN_ID.name(), runId).count();
    }

    private Optional<Reader> basic(String encoded) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            return Optional.empty();
        }
        String user = decoded.substring(0, colon);
        if (!engine.getIdentityService().checkPassword(user, decoded.substring(colon + 1))) {
            return Optional.empty();
        }
        return Optional.of(reader(user));
    }

    /**
     * The user the web apps' login stored in the session for this engine ({@code AuthenticationUtil}'s session
     * attribute, as Cockpit, Tasklist and Admin read it), if that user still exists.
     */
    private Optional<Reader> webAppSession(HttpServletRequest request) {
        if (!request.isRequestedSessionIdFromCookie() || !request.isRequestedSessionIdValid()) {
            return Optional.empty();
        }
        HttpSession session = request.getSession(false);
        if (session == null) {
            return Optional.empty();
        }
        Authentication authentication = AuthenticationUtil.getAuthsFromSession(session)
                .getAuthenticationForProcessEngine(engine.getName());
        if (authentication == null || authentication.getIdentityId() == null) {
            return Optional.empty();
        }
        String user = authentication.getIdentityId();
        if (engine.getIdentityService().createUserQuery().userId(user).count() == 0) {
            return Optional.empty();
        }
        return Optional.of(reader(user));
    }

    private Reader reader(String user) {
        IdentityService identity = engine.getIdentityService();
        List<String> groups = identity.createGroupQuery().groupMember(user).list().stream().map(Group::getId).toList();
        List<String> tenants = identity.createTenantQuery().userMember(user).includingGroupsOfUser(true).list()
                .stream().map(Tenant::getId).toList();
        return new Reader(user, groups, tenants);
    }
}
