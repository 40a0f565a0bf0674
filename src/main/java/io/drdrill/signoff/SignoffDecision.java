package io.drdrill.signoff;

import java.time.Instant;
import java.util.Locale;

/** A release approver's recorded decision. {@code reason} is required for a rejection. */
public record SignoffDecision(String approver, Decision decision, String reason, Instant decidedAt) {

    public enum Decision {
        APPROVE, REJECT;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
