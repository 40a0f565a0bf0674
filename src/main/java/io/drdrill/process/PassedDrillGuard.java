package io.drdrill.process;

import io.drdrill.evidence.DrillStatus;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.springframework.stereotype.Component;

import static io.drdrill.process.DrDrillProcess.Variables.DRILL_STATUS;

/**
 * On "Drill passed": the pass is recorded before the alert task, so the end event itself checks that this
 * instance recorded a pass of every step. A start "before" the end event or the alert task fails the job into an
 * incident; it never ends a drill as passed.
 */
@Component(DrDrillProcess.Delegates.PASSED_DRILL_GUARD)
public class PassedDrillGuard implements ExecutionListener {

    @Override
    public void notify(DelegateExecution execution) {
        if (!DRILL_STATUS.from(execution).map(DrillStatus.PASSED.json()::equals).orElse(false)) {
            throw new IllegalStateException("refusing to record a passed drill: this process instance recorded no pass");
        }
        EvidenceListener.requireEveryStepPassed(execution);
    }
}
