package io.drdrill.release;

import io.drdrill.process.ProcessVariable;

import java.nio.file.Path;
import java.time.Instant;

import static io.drdrill.process.ProcessVariable.count;
import static io.drdrill.process.ProcessVariable.instant;
import static io.drdrill.process.ProcessVariable.path;
import static io.drdrill.process.ProcessVariable.text;

/** The {@code release-signoff} process API: key, element ids and typed variables. */
public final class ReleaseSignoffProcess {

    public static final String PROCESS_KEY = "release-signoff";
    /** Beans the model names. */
    public static final String START_LISTENER = "releaseStartListener";

    private ReleaseSignoffProcess() {
    }

    public static final class Elements {
        public static final String START_EVENT = "StartEvent_ReleaseRequested";
        public static final String CALL_RUN_DRILL = "CallActivity_RunDrill";
        public static final String BOUNDARY_DRILL_NOT_PASSED = "BoundaryEvent_DrillNotPassed";
        public static final String TASK_APPROVE_RELEASE = "Task_ApproveRelease";
        public static final String BOUNDARY_APPROVAL_REMINDER = "BoundaryEvent_ApprovalReminder";
        public static final String TASK_SEND_REMINDER = "Task_SendReminder";
        public static final String GATEWAY_DECISION = "Gateway_ReleaseDecision";
        public static final String END_RELEASED = "EndEvent_Released";
        public static final String END_REJECTED = "EndEvent_Rejected";
        public static final String END_RELEASE_BLOCKED = "EndEvent_ReleaseBlocked";

        private Elements() {
        }
    }

    /** The release's process variables, each declared once with its type. */
    public static final class Variables {
        /** What is released, as the requester named it (required; shown in the approval task). */
        public static final ProcessVariable<String> RELEASE_NAME = text("releaseName");
        public static final ProcessVariable<String> RELEASE_VERSION = text("releaseVersion");
        /** "shop 2.4.1": the release in task names and as its business key. */
        public static final ProcessVariable<String> RELEASE_TITLE = text("releaseTitle");
        /**
         * Who requested the release, for the approval form: set from the engine's record of who started the
         * release when the approval task is created. The four-eyes rule reads the engine's record, not this.
         */
        public static final ProcessVariable<String> REQUESTER = text("requester");
        /** {@code approve} or {@code reject}, as the approver chose it in the form. */
        public static final ProcessVariable<String> DECISION = text("decision");
        public static final ProcessVariable<String> REASON = text("reason");
        public static final ProcessVariable<String> APPROVER = text("approver");
        public static final ProcessVariable<Instant> DECIDED_AT = instant("decidedAt");
        public static final ProcessVariable<Path> SIGNOFF_EVIDENCE = path("signoffEvidence");
        /** {@code released}, {@code rejected} or {@code blocked}. */
        public static final ProcessVariable<String> RELEASE_STATUS = text("releaseStatus");
        public static final ProcessVariable<String> DRILL_ERROR_CODE = text("drillErrorCode");
        public static final ProcessVariable<String> DRILL_ERROR_MESSAGE = text("drillErrorMessage");
        public static final ProcessVariable<Integer> REMINDERS_SENT = count("remindersSent");

        private Variables() {
        }
    }
}
