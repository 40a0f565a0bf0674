package io.drdrill.cli;

import io.drdrill.process.DrDrillProcess;
import io.drdrill.process.DrillResult;
import io.drdrill.process.DrillResults;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.Job;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Map;

/**
 * Runs one {@code dr-drill} instance to its end on this engine, in this thread: the job executor is off in
 * headless mode, so each asynchronous step is executed here, in order, as soon as it is due.
 */
@Component
public class HeadlessDrill {

    private final RuntimeService runtime;
    private final ManagementService management;
    private final DrillResults results;

    public HeadlessDrill(RuntimeService runtime, ManagementService management, DrillResults results) {
        this.runtime = runtime;
        this.management = management;
        this.results = results;
    }

    /** @throws DrillNotFinished when a job fails for a reason the process model does not handle */
    public DrillResult run(Map<String, Object> variables) {
        String id = runtime.startProcessInstanceByKey(DrDrillProcess.PROCESS_KEY, variables).getId();
        for (List<Job> jobs = due(id); !jobs.isEmpty(); jobs = due(id)) {
            for (Job job : jobs) {
                try {
                    management.executeJob(job.getId());
                } catch (RuntimeException e) {
                    throw new DrillNotFinished(id, e);
                }
            }
        }
        DrillResult result = results.of(id);
        if (result.status().isEmpty()) {
            throw new DrillNotFinished(id, new IllegalStateException("process instance " + id + " did not end"));
        }
        return result;
    }

    private List<Job> due(String processInstanceId) {
        return management.createJobQuery().processInstanceId(processInstanceId).executable().list();
    }

    /** A drill that stopped on an engine-level failure (an incident in a server). */
    public static final class DrillNotFinished extends RuntimeException {
        public DrillNotFinished(String processInstanceId, Throwable cause) {
            super("drill " + processInstanceId + " stopped: " + rootMessage(cause), cause);
        }

        static String rootMessage(Throwable e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        }
    }
}
