package io.drdrill.testsupport;

import io.drdrill.process.DrDrillProcess;
import io.drdrill.release.ReleaseSignoffProcess;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.runtime.ProcessInstance;

import java.util.Map;

/**
 * A release sign-off as the audit tests need it: one user requests the release of a bundle's manifest and another,
 * in {@code release-approvers}, decides it. Set up the same way wherever the audit trail of a release is checked.
 */
public final class ReleaseRequests {

    /** The group whose members may approve a release. */
    public static final String APPROVERS = "release-approvers";

    private ReleaseRequests() {
    }

    /** Makes {@code userId} a member of {@link #APPROVERS}, creating the user and the group when missing. */
    public static void approver(IdentityService identity, String userId) {
        if (identity.createUserQuery().userId(userId).count() == 0) {
            if (identity.createGroupQuery().groupId(APPROVERS).count() == 0) {
                identity.saveGroup(identity.newGroup(APPROVERS));
            }
            identity.saveUser(identity.newUser(userId));
            identity.createMembership(userId, APPROVERS);
        }
    }

    /**
     * Starts, as {@code requester}, the sign-off of release shop 2.4.1 for the bundle's manifest, and runs its jobs
     * until it waits (for the approval, once its drill passed).
     */
    public static ProcessInstance request(ProcessEngine engine, TestBundle bundle, String requester) {
        IdentityService identity = engine.getIdentityService();
        identity.setAuthenticatedUserId(requester);
        ProcessInstance release;
        try {
            release = engine.getRuntimeService().startProcessInstanceByKey(ReleaseSignoffProcess.PROCESS_KEY,
                    Map.of(DrDrillProcess.Variables.MANIFEST.name(), ProcessTests.catalogName(bundle.manifestPath()),
                            ReleaseSignoffProcess.Variables.RELEASE_NAME.name(), "shop",
                            ReleaseSignoffProcess.Variables.RELEASE_VERSION.name(), "2.4.1"));
        } finally {
            identity.clearAuthentication();
        }
        ProcessTests.runJobs(release);
        return release;
    }
}
