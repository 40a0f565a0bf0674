package io.drdrill.alerting;

import io.drdrill.alerts.AlertDelivery;
import io.drdrill.alerts.AlertDispatch;
import io.drdrill.alerts.AlertNotDelivered;
import io.drdrill.alerts.Notification;
import io.drdrill.process.ProcessVariable;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;

/**
 * A task that tells every alert channel something (a drill's verdict, a restore waiting for a worker) does nothing
 * when no channel is configured, and keeps what each channel took in its own transaction before a failing attempt
 * ends, so the engine's retry resends only to the channels that failed. Shared so both alert tasks deliver alike.
 */
abstract class ChannelAlertDelegate implements JavaDelegate {

    protected final AlertDispatch dispatch;
    protected final EvidenceLinks evidence;

    ChannelAlertDelegate(AlertDispatch dispatch, EvidenceLinks evidence) {
        this.dispatch = dispatch;
        this.evidence = evidence;
    }

    @Override
    public final void execute(DelegateExecution execution) {
        if (!dispatch.hasChannels()) {
            return;
        }
        alert(execution);
    }

    /** Decides what to tell the channels, if anything, and {@link #deliver delivers} it. */
    abstract void alert(DelegateExecution execution);

    /**
     * Sends the notification to the channels that have not taken it yet ({@code recorded}); records the delivery
     * in {@code delivery} when all took it, or in its own transaction before failing when one did not.
     */
    final void deliver(DelegateExecution execution, Notification notification, AlertDelivery recorded,
                       ProcessVariable<AlertDelivery> delivery, String what) {
        AlertDispatch.Result result = dispatch.send(notification, recorded);
        if (result.complete()) {
            delivery.set(execution, result.delivery());
            return;
        }
        delivery.setInOwnTransaction(execution.getProcessInstanceId(), result.delivery());
        throw new AlertNotDelivered(what + " not delivered: " + String.join("; ", result.failures()));
    }
}
