package io.drdrill.alerts;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drdrill.logging.TerminalText;

/**
 * A scheduled drill that did not run: its slot came and the scheduler could not start it (a drill of the
 * manifest was still running, or the start was refused). Nobody would notice a drill that never happens, so it
 * is announced like a failed one.
 *
 * @param manifest      the manifest's name in the catalog
 * @param cron          its schedule
 * @param dueAt         the slot that was missed (ISO-8601), or null when unknown
 * @param reason        why it did not run
 * @param blockingDrill the drill still running, when that was the reason
 */
public record MissedRun(String manifest, String cron, String dueAt, String reason, String blockingDrill)
        implements Notification {

    static final String KIND = "missed";

    @Override
    public String deliveryKind() {
        return KIND;
    }

    /** {@code DR drill MISSED: payments/manifest.json: the run due 2026-12-01T03:00:00Z did not start: ...}. */
    public String summary() {
        return TerminalText.escape("DR drill MISSED: " + manifest + ": the scheduled run"
                + (dueAt == null ? "" : " due " + dueAt) + " (cron '" + cron + "') did not start: " + reason
                + (blockingDrill == null ? "" : " (drill " + blockingDrill + ")"));
    }

    @Override
    public String json() {
        ObjectNode body = AlertJson.body(KIND, manifest);
        body.put("cron", cron);
        body.put("due_at", dueAt);
        body.put("reason", reason);
        body.put("blocking_drill", blockingDrill);
        return AlertJson.write(body, summary());
    }

    @Override
    public String mailSubject() {
        return TerminalText.escape("[dr-drill] MISSED: " + manifest);
    }

    @Override
    public String mailBody() {
        return summary() + "\n\n"
                + "Manifest: " + TerminalText.escape(manifest) + "\n"
                + "Schedule: " + TerminalText.escape(cron) + "\n"
                + "Due at: " + (dueAt == null ? "unknown" : dueAt) + "\n"
                + "Reason: " + TerminalText.escape(reason) + "\n"
                + "Still running: " + (blockingDrill == null ? "none" : blockingDrill) + "\n";
    }
}
