package io.drdrill.release;

/** The {@code release-signoff} process API: key, element ids and variable names. */
public final class ReleaseSignoffProcess {

    public static final String PROCESS_KEY = "release-signoff";

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

    public static final class Variables {
        /**
         * Who requested the release, for the approval form: set from the engine's record of who started the
         * release when the approval task is created. The four-eyes rule reads the engine's record, not this.
         */
        public static final String REQUESTER = "requester";
        public static final String DECISION = "decision";
        public static final String REASON = "reason";
        public static final String APPROVER = "approver";
        public static final String DECIDED_AT = "decidedAt";
        public static final String SIGNOFF_EVIDENCE = "signoffEvidence";
        /** {@code released}, {@code rejected} or {@code blocked}. */
        public static final String RELEASE_STATUS = "releaseStatus";
        public static final String DRILL_ERROR_CODE = "drillErrorCode";
        public static final String DRILL_ERROR_MESSAGE = "drillErrorMessage";
        public static final String REMINDERS_SENT = "remindersSent";

        private Variables() {
        }
    }
}
