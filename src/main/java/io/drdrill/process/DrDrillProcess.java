package io.drdrill.process;

import io.drdrill.alerts.AlertDelivery;
import io.drdrill.step.BackupReading;
import io.drdrill.step.StepName;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static io.drdrill.process.ProcessVariable.bytes;
import static io.drdrill.process.ProcessVariable.flag;
import static io.drdrill.process.ProcessVariable.instant;
import static io.drdrill.process.ProcessVariable.json;
import static io.drdrill.process.ProcessVariable.number;
import static io.drdrill.process.ProcessVariable.path;
import static io.drdrill.process.ProcessVariable.text;

/** The {@code dr-drill} process API: its key, element ids, delegate beans, error codes and typed variables. */
public final class DrDrillProcess {

    public static final String PROCESS_KEY = "dr-drill";
    public static final String RESOURCE = "processes/dr-drill.bpmn";
    /** The value of {@link Variables#STARTED_BY} for a drill the scheduler started. */
    public static final String STARTED_BY_SCHEDULER = "scheduler";

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
        /**
         * "Restore at the recovery site": an external task (topic {@value SiteRestore#TOPIC}) running
         * {@code restore_artifact} and {@code validate_restored_backup} on a worker.
         */
        public static final String TASK_RESTORE_AT_SITE = "Task_RestoreAtSite";
        /**
         * On "Restore at the recovery site" (non-interrupting timer, {@code ${restoreWorkerWaitAlert}}): no worker
         * of the drill's site has taken the restore yet; an alert says so and the drill goes on waiting.
         */
        public static final String BOUNDARY_RESTORE_WORKER_WAIT = "BoundaryEvent_RestoreWorkerWait";
        public static final String TASK_ALERT_RESTORE_WAITING = "Task_AlertRestoreWaiting";
        public static final String END_RESTORE_WAIT_ALERTED = "EndEvent_RestoreWaitAlerted";
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
        /** Where a pass and an invalid drill record their evidence, before their alert task and end event. */
        public static final String EVENT_DRILL_PASS_RECORDED = "IntermediateThrowEvent_DrillPassRecorded";
        public static final String EVENT_DRILL_INVALID_RECORDED = "IntermediateThrowEvent_DrillInvalidRecorded";
        /** "Send alert", one per path, each right after the path recorded its evidence. */
        public static final String TASK_SEND_ALERT_ON_PASS = "Task_SendAlertOnPass";
        public static final String TASK_SEND_ALERT_ON_INVALID = "Task_SendAlertOnInvalid";
        public static final String TASK_SEND_ALERT_ON_FAILURE = "Task_SendAlertOnFailure";
        public static final String TASK_SEND_ALERT_ON_VIOLATION = "Task_SendAlertOnViolation";
        public static final List<String> ALERT_TASKS = List.of(TASK_SEND_ALERT_ON_PASS, TASK_SEND_ALERT_ON_INVALID,
                TASK_SEND_ALERT_ON_FAILURE, TASK_SEND_ALERT_ON_VIOLATION);

        private Elements() {
        }
    }

    /**
     * Beans the model names ({@code camunda:delegateExpression}). Each step's service task names the bean of its
     * step, {@code ${verifyBackupDigest}} and so on: the BPMN alone says what each task runs, whatever its id.
     */
    public static final class Delegates {
        public static final String DRILL_START_LISTENER = "drillStartListener";
        public static final String LOAD_MANIFEST = "loadManifestDelegate";
        public static final String EVIDENCE_LISTENER = "evidenceListener";
        /** "Send alert": tells the configured webhooks and mail recipients about the verdict. */
        public static final String SEND_ALERT = "sendAlertDelegate";
        /** On "Drill passed": a drill ends as passed only when this instance recorded its pass. */
        public static final String PASSED_DRILL_GUARD = "passedDrillGuard";
        /** On "Review failed drill" / "Review policy violation": records who reviewed it in review.json. */
        public static final String DRILL_REVIEW_LISTENER = "drillReviewListener";
        /** On "Restore at the recovery site" (end): checks a worker's report before the drill goes on. */
        public static final String RESTORE_REPORT_CHECK = "restoreReportCheck";
        /**
         * On "Restore at the recovery site" (end, after the check): records where and by whom the restore ran and
         * keeps a worker's recall logs in the drill's own evidence folder.
         */
        public static final String RESTORE_EVIDENCE_LISTENER = "restoreEvidenceListener";
        /** "Alert: restore waiting for a worker": tells the alert channels that no worker of the site came. */
        public static final String RESTORE_WAITING_ALERT = "restoreWaitingAlertDelegate";

        private Delegates() {
        }

        /** The bean that runs {@code step}: its id in lower camel case, e.g. {@code validateRestoredBackup}. */
        public static String of(StepName step) {
            StringBuilder name = new StringBuilder();
            for (String part : step.id().split("_")) {
                name.append(name.length() == 0 ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
            }
            return name.toString();
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

    /** The process variables, each declared once with its type; reads and writes go through these. */
    public static final class Variables {
        // inputs
        /** The manifest, by its name in the catalog (required). */
        public static final ProcessVariable<String> MANIFEST = text("manifest");
        /** ISO-8601 instant used as "now" for the RPO (optional; trusted callers only). */
        public static final ProcessVariable<String> CURRENT_TIME = text("currentTime");
        /** Where to write the report, the events and the rest of the evidence (optional; trusted callers only). */
        public static final ProcessVariable<Path> REPORT_PATH = path("reportPath");
        public static final ProcessVariable<Path> EVENTS_PATH = path("eventsPath");
        public static final ProcessVariable<Path> EVIDENCE_DIR = path("evidenceDir");
        /** Free text from the operator who started the drill. */
        public static final ProcessVariable<String> NOTE = text("note");
        /** Who started the drill (the start event's initiator). */
        public static final ProcessVariable<String> INITIATOR = text("initiator");
        /**
         * {@value DrDrillProcess#STARTED_BY_SCHEDULER} when the server's scheduler started the drill (no user
         * did; the engine records no start user). Refused from an authenticated caller.
         */
        public static final ProcessVariable<String> STARTED_BY = text("startedBy");
        // set by the drill
        public static final ProcessVariable<String> RUN_ID = text("runId");
        public static final ProcessVariable<Instant> STARTED_AT = instant("startedAt");
        /** Set by the start listener only; the steps refuse to run without it (a start that skipped it). */
        public static final ProcessVariable<Boolean> START_CHECKED = flag("drillStartChecked");
        /** Whether a failed drill waits for an operator's review before it ends (server mode). */
        public static final ProcessVariable<Boolean> REVIEW_FAILED_DRILLS = flag("reviewFailedDrills");
        public static final ProcessVariable<Path> MANIFEST_PATH = path("manifestPath");
        public static final ProcessVariable<String> MANIFEST_SHA256 = text("manifestSha256");
        public static final ProcessVariable<Instant> BACKUP_CAPTURED_AT = instant("backupCapturedAt");
        public static final ProcessVariable<Double> MAX_RPO_MINUTES = number("maxRpoMinutes");
        public static final ProcessVariable<Double> MAX_RTO_SECONDS = number("maxRtoSeconds");
        public static final ProcessVariable<Double> RTO_SECONDS = number("rtoSeconds");
        public static final ProcessVariable<Double> RPO_MINUTES = number("rpoMinutes");
        /**
         * What {@code verify_backup_digest} read: the digest, the payload outcome from the same bytes and the file's
         * identity on the machine that read it; {@code verify_backup_payload} reports that outcome while the backup
         * is still that file, instead of reading it again.
         */
        public static final ProcessVariable<BackupReading> BACKUP_READING = json("backupReading", BackupReading.class);
        /** Identity of the file the restore produced, checked by the restored-digest step. */
        public static final ProcessVariable<String> RESTORED_FILE_KEY = text("restoredFileKey");
        // the restore at the recovery site
        /**
         * The recovery site whose workers carry out the restore: the manifest's {@code restore.site}, or
         * {@code default}. Workers fetch only the restores of their site by this variable.
         */
        public static final ProcessVariable<String> RESTORE_SITE = text("restoreSite");
        /** ISO-8601 duration after which a restore no worker has taken is alerted ({@code drdrill.restore.worker-wait-alert}). */
        public static final ProcessVariable<String> RESTORE_WORKER_WAIT_ALERT = text("restoreWorkerWaitAlert");
        /** Which channels took the "restore waiting for a worker" alert, so a retry resends only what failed. */
        public static final ProcessVariable<AlertDelivery> RESTORE_WAIT_ALERT_DELIVERY =
                json("restoreWaitAlertDelivery", AlertDelivery.class);
        /** Reported by the worker with its result (its own claim): the worker id it fetched the task as. */
        public static final ProcessVariable<String> RESTORE_WORKER = text("restoreWorker");
        /** Reported by a remote worker with its result: the recall's stdout and stderr, bounded; never kept as is. */
        public static final ProcessVariable<byte[]> RECALL_STDOUT_UPLOAD = bytes("recallStdoutLog");
        public static final ProcessVariable<byte[]> RECALL_STDERR_UPLOAD = bytes("recallStderrLog");
        // results
        /** {@code passed}, {@code failed}, {@code policy_violation} or {@code invalid}. */
        public static final ProcessVariable<String> DRILL_STATUS = text("drillStatus");
        public static final ProcessVariable<String> FAILED_STAGE = text("failedStage");
        public static final ProcessVariable<String> ERROR_TYPE = text("errorType");
        public static final ProcessVariable<String> ERROR_MESSAGE = text("errorMessage");
        // in words, for forms, task names and Cockpit (README "Tasklist, Cockpit and the release sign-off")
        /** "good/manifest.json (drill-20261201T…)": names the drill in task names. */
        public static final ProcessVariable<String> DRILL_TITLE = text("drillTitle");
        /** The failed step in words ("Verify backup digest"); absent for a passed drill. */
        public static final ProcessVariable<String> FAILED_STEP = text("failedStep");
        /** "0.4 s (limit 15 min)", "11 d 13 h (limit 7 d)". */
        public static final ProcessVariable<String> RTO_TEXT = text("rtoText");
        public static final ProcessVariable<String> RPO_TEXT = text("rpoText");
        /** The drill's evidence over HTTP: its folder and its report. */
        public static final ProcessVariable<String> EVIDENCE_URL = text("evidenceUrl");
        public static final ProcessVariable<String> REPORT_URL = text("reportUrl");
        // review of a failed drill
        /** Set by the reviewer's form: the failure and the evidence were read. */
        public static final ProcessVariable<Boolean> ACKNOWLEDGED = flag("acknowledged");
        public static final ProcessVariable<String> REVIEW_NOTE = text("reviewNote");
        /** Set by the engine from the logged-in user who completed the review, never by callers. */
        public static final ProcessVariable<String> REVIEWER = text("reviewer");
        public static final ProcessVariable<Instant> REVIEWED_AT = instant("reviewedAt");
        public static final ProcessVariable<Path> REVIEW_PATH = path("reviewPath");
        // alerts
        /** Which alert this drill sends and which channels have taken it, so a retry resends only what failed. */
        public static final ProcessVariable<AlertDelivery> ALERT_DELIVERY = json("alertDelivery", AlertDelivery.class);

        private Variables() {
        }

        /** The JSON variable holding one step's event and facts, {@code step_verify_backup_digest} and so on. */
        public static ProcessVariable<StepRecord> stepRecord(StepName step) {
            return json("step_" + step.id(), StepRecord.class);
        }
    }
}
