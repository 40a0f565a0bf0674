package io.drdrill.alerts;

import io.drdrill.evidence.DrillStatus;

import java.util.Locale;
import java.util.Optional;

/**
 * Whether a drill calls for an alert, and which: every drill that did not pass is reported, and a pass is
 * reported only when it ends a run of drills of the same manifest that did not pass ("recovered"). A pass after
 * a pass says nothing: an alert that always fires is soon ignored.
 *
 * @param previousStatus the verdict of the manifest's previous drill, if there was one
 */
public record Alert(Kind kind, DrillOutcome drill, Optional<DrillStatus> previousStatus) implements Notification {

    /** What happened. */
    public enum Kind {
        /** The drill failed, violated a policy or was invalid. */
        FAILED,
        /** The drill passed after the manifest's previous drill did not. */
        RECOVERED;

        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Kind fromJson(String value) {
            return valueOf(value.toUpperCase(Locale.ROOT));
        }
    }

    /** The alert a drill calls for, given the verdict of the previous drill of its manifest; empty for none. */
    public static Optional<Alert> decide(DrillOutcome drill, Optional<DrillStatus> previousStatus) {
        return switch (drill.status()) {
            case FAILED, POLICY_VIOLATION, INVALID -> Optional.of(new Alert(Kind.FAILED, drill, previousStatus));
            case PASSED -> previousStatus.filter(previous -> previous != DrillStatus.PASSED)
                    .map(previous -> new Alert(Kind.RECOVERED, drill, previousStatus));
            case RUNNING -> throw new IllegalArgumentException("a drill without a verdict calls for no alert");
        };
    }

    @Override
    public String deliveryKind() {
        return kind.json();
    }

    @Override
    public String json() {
        return AlertMessage.json(this);
    }

    @Override
    public String mailSubject() {
        return AlertMessage.mailSubject(this);
    }

    @Override
    public String mailBody() {
        return AlertMessage.mailBody(this);
    }
}
