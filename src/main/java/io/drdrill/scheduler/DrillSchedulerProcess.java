package io.drdrill.scheduler;

import io.drdrill.process.ProcessVariable;

import static io.drdrill.process.ProcessVariable.count;
import static io.drdrill.process.ProcessVariable.json;

/** The {@code drill-scheduler} process API: its key, element ids, delegate bean and typed variables. */
public final class DrillSchedulerProcess {

    public static final String PROCESS_KEY = "drill-scheduler";
    public static final String RESOURCE = "processes/drill-scheduler.bpmn";

    private DrillSchedulerProcess() {
    }

    /** BPMN element ids. */
    public static final class Elements {
        public static final String START_EVERY_MINUTE = "StartEvent_EveryMinute";
        public static final String TASK_START_DUE_DRILLS = "Task_StartDueDrills";
        public static final String END_TICK_DONE = "EndEvent_TickDone";
        public static final String GATEWAY_ANY_MISSED = "Gateway_AnyMissed";
        public static final String TASK_SEND_MISSED_ALERTS = "Task_SendMissedRunAlerts";

        private Elements() {
        }
    }

    /** Beans the model names ({@code camunda:delegateExpression}). */
    public static final class Delegates {
        public static final String START_DUE_DRILLS = "startDueDrills";
        /** "Alert missed runs": tells the alert channels about each due drill this tick could not start. */
        public static final String SEND_MISSED_ALERTS = "sendMissedRunAlerts";

        private Delegates() {
        }
    }

    /** What one tick saw and did, kept in its history. */
    public static final class Variables {
        /** Manifests the catalog listed at this tick. */
        public static final ProcessVariable<Integer> CATALOG_SIZE = count("catalogSize");
        /** Manifests with a schedule (their own or the catalog-wide default). */
        public static final ProcessVariable<Integer> SCHEDULED_MANIFESTS = count("scheduledManifests");
        /** The drills this tick started. */
        public static final ProcessVariable<ScheduledRuns> STARTED_DRILLS = json("startedDrills", ScheduledRuns.class);
        /** The due drills this tick did not start, each with the reason (a drill still running, a refused start). */
        public static final ProcessVariable<ScheduledRuns> SKIPPED_DRILLS = json("skippedDrills", ScheduledRuns.class);
        /** How many due drills this tick could not start: the model alerts when there are any. */
        public static final ProcessVariable<Integer> MISSED_RUNS = count("missedRuns");
        /** Per missed manifest, which alert channels took its alert, so a retry resends only what failed. */
        public static final ProcessVariable<MissedRunDeliveries> MISSED_RUN_DELIVERIES =
                json("missedRunDeliveries", MissedRunDeliveries.class);

        private Variables() {
        }
    }
}
