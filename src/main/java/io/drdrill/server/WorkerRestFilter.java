package io.drdrill.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drdrill.process.DrDrillProcess;
import io.drdrill.process.SiteRestore;
import io.drdrill.step.StepName;
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
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A {@code dr-workers} user may do over REST what a restore worker does and nothing else: fetch and lock the
 * restore tasks, extend, unlock, complete them or report a BPMN error or a failure, and count them. The engine's
 * authorizations for fetching and completing ({@code READ_INSTANCE}, {@code UPDATE_INSTANCE} on {@code dr-drill})
 * would also let it set any variable or modify a drill; this filter refuses every other call with 403, and a
 * report (complete, BPMN error, failure) that sets anything but the restore's own variables, or ends the drill
 * with another error than {@code DrDrillError}. A user who is also in another group (an operator, an
 * administrator) is not restricted here.
 */
public class WorkerRestFilter extends OncePerRequestFilter {

    private static final List<Pattern> ALLOWED = List.of(
            Pattern.compile("POST .*/external-task/fetchAndLock"),
            Pattern.compile("POST .*/external-task/[0-9a-fA-F-]{1,64}/(complete|extendLock|unlock|failure|bpmnError)"),
            Pattern.compile("GET .*/external-task/count"));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern REPORT = Pattern.compile("POST .*/external-task/[^/]+/(complete|bpmnError|failure)");
    /** What a restore worker reports ({@code SiteRestore.Outcome#variables}); nothing else may be set. */
    private static final Set<String> REPORTED = Set.of(
            DrDrillProcess.Variables.stepRecord(StepName.RESTORE_ARTIFACT).name(),
            DrDrillProcess.Variables.stepRecord(StepName.VALIDATE_RESTORED_BACKUP).name(),
            DrDrillProcess.Variables.RTO_SECONDS.name(), DrDrillProcess.Variables.RESTORED_FILE_KEY.name(),
            DrDrillProcess.Variables.FAILED_STAGE.name(), DrDrillProcess.Variables.ERROR_TYPE.name(),
            DrDrillProcess.Variables.ERROR_MESSAGE.name());
    /**
     * What goes back with the records, by name and the only REST type it may have: the worker's id and the
     * recall's logs as bytes (never a serialized object); the server writes the logs under names of its own.
     */
    private static final Map<String, String> RETURNED = Map.of(
            DrDrillProcess.Variables.RESTORE_WORKER.name(), "String",
            DrDrillProcess.Variables.RECALL_STDOUT_UPLOAD.name(), "Bytes",
            DrDrillProcess.Variables.RECALL_STDERR_UPLOAD.name(), "Bytes");
    private static final int MAX_BODY_BYTES = 16 << 20;

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
            refuse(response, "a " + IdentityBootstrap.WORKERS + " user may only fetch, extend, unlock and report "
                    + "restore tasks");
            return;
        }
        if (workerOnly && REPORT.matcher(call).matches()) {
            byte[] body = request.getInputStream().readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                response.sendError(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE);
                return;
            }
            String wrong = notAReport(body);
            if (wrong != null) {
                refuse(response, "a restore worker's report may not " + wrong);
                return;
            }
            chain.doFilter(new StartInstructionsFilter.CachedBody(request, body), response);
            return;
        }
        chain.doFilter(request, response);
    }

    /** Null for a report a worker may make; else what it tried. */
    static String notAReport(byte[] body) {
        try {
            JsonNode json = JSON.readTree(body);
            if (json == null || !json.isObject()) {
                return null; // the REST API refuses it itself
            }
            for (String field : new String[]{"variables", "localVariables"}) {
                JsonNode variables = json.get(field);
                if (variables != null && variables.isObject()) {
                    for (var names = variables.fieldNames(); names.hasNext(); ) {
                        String name = names.next();
                        if (RETURNED.containsKey(name)) {
                            String type = variables.path(name).path("type").asText("");
                            if (!RETURNED.get(name).equalsIgnoreCase(type)) {
                                return "set the variable '" + name + "' as type '" + type + "'";
                            }
                            continue;
                        }
                        if (field.equals("localVariables") || !REPORTED.contains(name)) {
                            return "set the variable '" + name + "'";
                        }
                    }
                    JsonNode stage = variables.path(DrDrillProcess.Variables.FAILED_STAGE.name()).path("value");
                    if (!stage.isMissingNode() && !stage.isNull() && SiteRestore.STEPS.stream()
                            .noneMatch(step -> step.id().equals(stage.asText()))) {
                        return "name the failed step '" + stage.asText() + "'";
                    }
                }
            }
            JsonNode code = json.get("errorCode");
            if (code != null && !DrDrillProcess.Errors.DR_DRILL_ERROR.equals(code.asText())) {
                return "end a drill with the error '" + code.asText() + "'";
            }
            return null;
        } catch (IOException notJson) {
            return null;
        }
    }

    private static void refuse(HttpServletResponse response, String message) throws IOException {
        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        response.setContentType("application/json");
        response.getWriter().write(JSON.writeValueAsString(Map.of("type", "AuthorizationException",
                "message", message)));
    }
}
