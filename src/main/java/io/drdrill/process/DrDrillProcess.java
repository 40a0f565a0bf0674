package io.drdrill.process;

import io.drdrill.drill.StepName;

import java.util.Arrays;
import java.util.Optional;

/** The {@code dr-drill} process API: its key, element ids, error codes and variable names, in one place. */
public final class DrDrillProcess {

    public static final String PROCESS_KEY = "dr-drill";
    public static final String RESOURCE = "processes/dr-drill.bpmn";

    private DrDrillProcess() {
    }

    /** BPMN element ids. */
    public static final class Elements {
        public static final String START_EVENT = "StartEvent_DrillRequested";
        public static final String SUB_PROCESS = "SubProcess_Drill";
        public static final String TASK_LOAD_MANIFEST = "Task_LoadManifest";
        public static final String TASK_VERIFY_BACKUP_DIGEST = "Task_VerifyBackupDigest";
        public static final String TASK_VERIFY_BACKUP_PAYLOAD = "Task_VerifyBackupPayload";
        public static final String TASK_VALIDATE_SBOM = "Task_ValidateSbom";
        public static final String TASK_VALIDATE_PROVENANCE = "Task_ValidateProvenance";
        public static final String TASK_RESTORE_ARTIFACT = "Task_RestoreArtifact";
        public static final String TASK_VALIDATE_RESTORED_BACKUP = "Task_ValidateRestoredBackup";
        public static final String TASK_ENFORCE_POLICIES = "Task_EnforcePolicies";
        public static final String BOUNDARY_INVALID_MANIFEST = "BoundaryEvent_InvalidManifest";
        public static final String BOUNDARY_DR_DRILL_ERROR = "BoundaryEvent_DrDrillError";
        public static final String BOUNDARY_POLICY_VIOLATION = "BoundaryEvent_PolicyViolation";
        public static final String EVENT_DRILL_FAILURE_RECORDED = "IntermediateThrowEvent_DrillFailureRecorded";
        public static final String EVENT_POLICY_VIOLATION_RECORDED = "IntermediateThrowEvent_PolicyViolationRecorded";
        public static final String GATEWAY_REVIEW_DRILL_FAILURE = "Gateway_ReviewDrillFailure";
        public static final String GATEWAY_REVIEW_POLICY_VIOLATION = "Gateway_ReviewPolicyViolation";
        public static final String TASK_REVIEW_DRILL_FAILURE = "Task_ReviewDrillFailure";
        public static final String TASK_REVIEW_POLICY_VIOLATION = "Task_ReviewPolicyViolation";
        public static final String END_DRILL_PASSED = "EndEvent_DrillPassed";
        public static final String END_DRILL_FAILED = "EndEvent_DrillFailed";
        public static final String END_POLICY_VIOLATED = "EndEvent_PolicyViolated";
        public static final String END_MANIFEST_INVALID = "EndEvent_ManifestInvalid";

        private static final String[] STEP_TASKS = {
                TASK_VERIFY_BACKUP_DIGEST, TASK_VERIFY_BACKUP_PAYLOAD, TASK_VALIDATE_SBOM, TASK_VALIDATE_PROVENANCE,
                TASK_RESTORE_ARTIFACT, TASK_VALIDATE_RESTORED_BACKUP, TASK_ENFORCE_POLICIES};

        private Elements() {
        }

        /** The service task that runs a step. */
        public static String taskOf(StepName step) {
            return STEP_TASKS[step.ordinal()];
        }

        /** The step a service task runs, if it runs one. */
        public static Optional<StepName> stepOf(String activityId) {
            int index = Arrays.asList(STEP_TASKS).indexOf(activityId);
            return index < 0 ? Optional.empty() : Optional.of(StepName.values()[index]);
        }
    }

    /** BPMN error codes thrown by the delegates and caught by the boundary events. */
    public static final class Errors {
        public static final String DR_DRILL_ERROR = "DrDrillError";
        public static final String POLICY_VIOLATION = "PolicyViolation";
        public static final String INVALID_MANIFEST = "InvalidManifest";

        private Errors() {
        }
    }

    /** Process variable names. */
    public static final class Variables {
        // inputs
        /** Path of the manifest (required). */
        public static final String MANIFEST = "manifest";
        /** ISO-8601 instant used as "now" for the RPO (optional). */
        public static final String CURRENT_TIME = "currentTime";
        /** Where to write the report, the events and the rest of the evidence (optional). */
        public static final String REPORT_PATH = "reportPath";
        public static final String EVENTS_PATH = "eventsPath";
        public static final String EVIDENCE_DIR = "evidenceDir";
        // set by the drill
        public static final String RUN_ID = "runId";
        public static final String STARTED_AT = "startedAt";
        public static final String MANIFEST_PATH = "manifestPath";
        public static final String MANIFEST_SHA256 = "manifestSha256";
        public static final String BACKUP_CAPTURED_AT = "backupCapturedAt";
        public static final String MAX_RPO_MINUTES = "maxRpoMinutes";
        public static final String MAX_RTO_SECONDS = "maxRtoSeconds";
        public static final String RTO_SECONDS = "rtoSeconds";
        public static final String RPO_MINUTES = "rpoMinutes";
        /** Identity of the file the restore produced, checked by the restored-digest step. */
        public static final String RESTORED_FILE_KEY = "restoredFileKey";
        // results
        public static final String DRILL_STATUS = "drillStatus";
        /** Set by the start listener only; the steps refuse to run without it (a start that skipped it). */
        public static final String START_CHECKED = "drillStartChecked";
        /** Whether a failed drill waits for an operator's review before it ends (server mode). */
        public static final String REVIEW_FAILED_DRILLS = "reviewFailedDrills";
        /** Who started the drill (the start event's initiator). */
        public static final String INITIATOR = "initiator";
        /** Free text from the operator who started the drill. */
        public static final String NOTE = "note";
        public static final String FAILED_STAGE = "failedStage";
        public static final String ERROR_TYPE = "errorType";
        public static final String ERROR_MESSAGE = "errorMessage";

        private Variables() {
        }

        /** The variable holding one step's event and facts, as JSON. */
        public static String stepRecord(StepName step) {
            return "step_" + step.id();
        }
    }
}
