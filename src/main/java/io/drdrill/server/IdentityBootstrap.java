package io.drdrill.server;

import io.drdrill.process.DrDrillProcess;
import io.drdrill.release.ReleaseSignoffProcess;
import org.camunda.bpm.engine.AuthorizationService;
import org.camunda.bpm.engine.FilterService;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.authorization.Authorization;
import org.camunda.bpm.engine.authorization.Permission;
import org.camunda.bpm.engine.authorization.Permissions;
import org.camunda.bpm.engine.authorization.Resource;
import org.camunda.bpm.engine.authorization.Resources;
import org.camunda.bpm.engine.filter.Filter;
import org.camunda.bpm.engine.task.TaskQuery;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Profile;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Map;

import static org.camunda.bpm.engine.authorization.Permissions.ACCESS;
import static org.camunda.bpm.engine.authorization.Permissions.CREATE;
import static org.camunda.bpm.engine.authorization.Permissions.CREATE_INSTANCE;
import static org.camunda.bpm.engine.authorization.Permissions.READ;
import static org.camunda.bpm.engine.authorization.Permissions.READ_HISTORY;
import static org.camunda.bpm.engine.authorization.Permissions.READ_INSTANCE;
import static org.camunda.bpm.engine.authorization.Permissions.READ_TASK;
import static org.camunda.bpm.engine.authorization.Permissions.TASK_WORK;

/**
 * First start of a server: the four groups, what each may do, and a Tasklist filter for each. Idempotent: what
 * exists is left as it is, so an administrator's later changes stand.
 * <ul>
 *   <li>{@value #OPERATORS}: start drills and releases, read their history, review failed drills;</li>
 *   <li>{@value #APPROVERS}: work on release sign-off tasks;</li>
 *   <li>{@value #AUDITORS}: read-only history;</li>
 *   <li>{@value #WORKERS}: fetch and report the drills' restore tasks, nothing else.</li>
 * </ul>
 */
@Component
@Profile("serve")
public class IdentityBootstrap {

    public static final String OPERATORS = "dr-operators";
    public static final String APPROVERS = "release-approvers";
    public static final String AUDITORS = "auditors";
    /** Restore workers at the recovery sites ({@code bin/dr-drill worker}). */
    public static final String WORKERS = "dr-workers";
    private static final String DRILL = DrDrillProcess.PROCESS_KEY;
    private static final String RELEASE = ReleaseSignoffProcess.PROCESS_KEY;

    private final IdentityService identity;
    private final AuthorizationService authorizations;
    private final FilterService filters;
    private final TaskService tasks;

    public IdentityBootstrap(IdentityService identity, AuthorizationService authorizations, FilterService filters,
                             TaskService tasks) {
        this.identity = identity;
        this.authorizations = authorizations;
        this.filters = filters;
        this.tasks = tasks;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void createGroupsPermissionsAndFilters() {
        group(OPERATORS, "DR operators");
        group(APPROVERS, "Release approvers");
        group(AUDITORS, "Auditors");
        group(WORKERS, "Restore workers");

        grant(OPERATORS, Resources.APPLICATION, "tasklist", ACCESS);
        grant(OPERATORS, Resources.APPLICATION, "cockpit", ACCESS);
        grant(OPERATORS, Resources.PROCESS_DEFINITION, DRILL, READ, CREATE_INSTANCE, READ_INSTANCE, READ_HISTORY,
                READ_TASK, TASK_WORK);
        grant(OPERATORS, Resources.PROCESS_DEFINITION, RELEASE, READ, CREATE_INSTANCE, READ_INSTANCE, READ_HISTORY,
                READ_TASK);
        grant(OPERATORS, Resources.PROCESS_INSTANCE, "*", CREATE);

        grant(APPROVERS, Resources.APPLICATION, "tasklist", ACCESS);
        grant(APPROVERS, Resources.APPLICATION, "cockpit", ACCESS);
        grant(APPROVERS, Resources.PROCESS_DEFINITION, RELEASE, READ, READ_INSTANCE, READ_HISTORY, READ_TASK,
                TASK_WORK);
        grant(APPROVERS, Resources.PROCESS_DEFINITION, DRILL, READ, READ_INSTANCE, READ_HISTORY);

        grant(AUDITORS, Resources.APPLICATION, "cockpit", ACCESS);
        grant(AUDITORS, Resources.PROCESS_DEFINITION, "*", READ, READ_INSTANCE, READ_HISTORY, READ_TASK);

        // fetch and lock needs READ_INSTANCE, completing (and extend, unlock, failure, BPMN error) UPDATE_INSTANCE;
        // no web app, no start, no history. WorkerRestFilter keeps the user to the external task endpoints.
        grant(WORKERS, Resources.PROCESS_DEFINITION, DRILL, READ_INSTANCE, Permissions.UPDATE_INSTANCE);

        filter("Release approvals", "Releases waiting for a second person's sign-off", 1,
                tasks.createTaskQuery().taskCandidateGroup(APPROVERS).includeAssignedTasks(), List.of(APPROVERS));
        filter("Failed drills to review", "Drills that did not pass and wait for an operator", 2,
                tasks.createTaskQuery().taskCandidateGroup(OPERATORS).includeAssignedTasks(), List.of(OPERATORS));
        filter("My tasks", "Tasks assigned to me", 0,
                tasks.createTaskQuery().taskAssigneeExpression("${currentUser()}"),
                List.of(OPERATORS, APPROVERS, AUDITORS));
    }

    private void group(String id, String name) {
        if (identity.createGroupQuery().groupId(id).count() == 0) {
            org.camunda.bpm.engine.identity.Group group = identity.newGroup(id);
            group.setName(name);
            group.setType("WORKFLOW");
            identity.saveGroup(group);
        }
    }

    private void grant(String group, Resource resource, String resourceId, Permission... permissions) {
        boolean exists = authorizations.createAuthorizationQuery().groupIdIn(group).resourceType(resource)
                .resourceId(resourceId).count() > 0;
        if (!exists) {
            Authorization authorization = authorizations.createNewAuthorization(Authorization.AUTH_TYPE_GRANT);
            authorization.setGroupId(group);
            authorization.setResource(resource);
            authorization.setResourceId(resourceId);
            for (Permission permission : permissions) {
                authorization.addPermission(permission);
            }
            authorizations.saveAuthorization(authorization);
        }
    }

    private void filter(String name, String description, int priority, TaskQuery query, List<String> readers) {
        if (filters.createFilterQuery().filterName(name).count() > 0) {
            return;
        }
        Filter filter = filters.newTaskFilter(name).setQuery(query)
                .setProperties(Map.of("description", description, "priority", priority, "refresh", true));
        filters.saveFilter(filter);
        for (String reader : readers) {
            grant(reader, Resources.FILTER, filter.getId(), Permissions.READ);
        }
    }
}
