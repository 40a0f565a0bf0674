package io.drdrill.alerts;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drdrill.evidence.DrillStatus;
import io.drdrill.logging.TerminalText;
import io.drdrill.policy.Numbers;
import io.drdrill.step.Text;

import java.util.Locale;
import java.util.Optional;

/**
 * What an alert says, in each form a receiver reads: the one-line summary (Slack's {@code text}), the webhook's
 * JSON body, and the mail's subject and plain-text body. The same facts in all of them; texts meant for people
 * escape control characters quoted from inputs, and the Slack text escapes Slack's markup, so a manifest value
 * can never ping a channel ({@code <!channel>}) or forge a line.
 */
public final class AlertMessage {

    public static final String SCHEMA = "dr_drill_alert.v1";
    /** An error message longer than this is shortened in the one-line summary (the JSON keeps it whole). */
    private static final int SUMMARY_ERROR_CHARS = 500;

    private AlertMessage() {
    }

    /** {@code DR drill FAILED at verify_backup_digest: manifest.json: backup digest mismatch ...}, one line. */
    public static String summary(Alert alert) {
        DrillOutcome drill = alert.drill();
        StringBuilder line = new StringBuilder("DR drill ").append(headline(alert)).append(": ")
                .append(drill.manifest());
        if (alert.kind() == Alert.Kind.RECOVERED) {
            line.append(" passed again (previous drill: ").append(previous(alert)).append(')');
        } else {
            drill.errorMessage().ifPresent(m -> line.append(": ").append(Text.shorten(m, SUMMARY_ERROR_CHARS)));
        }
        line.append(" | ").append(metrics(drill)).append(" | run ").append(drill.runId());
        drill.evidence().ifPresent(e -> line.append(" | evidence: ").append(e));
        return TerminalText.escape(line.toString());
    }

    /** The summary with Slack's three markup characters escaped, as Slack's {@code text} field wants it. */
    public static String slackText(Alert alert) {
        return AlertJson.slackText(summary(alert));
    }

    /** The webhook's JSON body: every fact with its exact text, plus the Slack-compatible {@code text}. */
    public static String json(Alert alert) {
        DrillOutcome drill = alert.drill();
        ObjectNode body = AlertJson.body(alert.kind().json(), drill.manifest());
        body.put("status", drill.status().json());
        body.put("previous_status", alert.previousStatus().map(DrillStatus::json).orElse(null));
        body.put("failed_stage", drill.failedStage().orElse(null));
        body.put("error", drill.errorMessage().orElse(null));
        ObjectNode rto = body.putObject("rto");
        rto.put("seconds", drill.rtoSeconds().orElse(null));
        rto.put("limit_seconds", drill.maxRtoSeconds().orElse(null));
        ObjectNode rpo = body.putObject("rpo");
        rpo.put("minutes", drill.rpoMinutes().orElse(null));
        rpo.put("limit_minutes", drill.maxRpoMinutes().orElse(null));
        body.put("run_id", drill.runId());
        body.put("process_instance_id", drill.processInstanceId());
        body.put("evidence", drill.evidence().orElse(null));
        return AlertJson.write(body, summary(alert));
    }

    /** {@code [dr-drill] FAILED: manifest.json}: status and manifest, one line. */
    public static String mailSubject(Alert alert) {
        return TerminalText.escape("[dr-drill] " + headline(alert) + ": " + alert.drill().manifest());
    }

    /** The mail's plain text: the summary, then one fact per line. */
    public static String mailBody(Alert alert) {
        DrillOutcome drill = alert.drill();
        StringBuilder body = new StringBuilder(summary(alert)).append("\n\n");
        fact(body, "Manifest", drill.manifest());
        fact(body, "Status", drill.status().json());
        fact(body, "Previous drill", alert.previousStatus().map(DrillStatus::json).orElse("none recorded"));
        fact(body, "Failed stage", drill.failedStage().orElse("none"));
        fact(body, "Error", drill.errorMessage().orElse("none"));
        fact(body, "RTO", seconds(drill.rtoSeconds()) + " (limit " + Numbers.limit(drill.maxRtoSeconds(), "s") + ")");
        fact(body, "RPO", minutes(drill.rpoMinutes()) + " (limit " + Numbers.limit(drill.maxRpoMinutes(), "m") + ")");
        fact(body, "Run id", drill.runId());
        fact(body, "Process instance", drill.processInstanceId());
        fact(body, "Evidence", drill.evidence().orElse("none"));
        return body.toString();
    }

    private static void fact(StringBuilder body, String name, String value) {
        body.append(name).append(": ").append(TerminalText.escape(value)).append('\n');
    }

    private static String headline(Alert alert) {
        if (alert.kind() == Alert.Kind.RECOVERED) {
            return "RECOVERED";
        }
        String stage = alert.drill().failedStage().map(s -> " at " + s).orElse("");
        return switch (alert.drill().status()) {
            case FAILED -> "FAILED" + stage;
            case POLICY_VIOLATION -> "POLICY VIOLATION" + stage;
            case INVALID -> "INVALID";
            case PASSED, RUNNING -> alert.drill().status().json().toUpperCase(Locale.ROOT);
        };
    }

    private static String previous(Alert alert) {
        return alert.previousStatus().map(DrillStatus::json).orElse("none recorded");
    }

    private static String metrics(DrillOutcome drill) {
        return "RTO " + seconds(drill.rtoSeconds()) + " (limit " + Numbers.limit(drill.maxRtoSeconds(), "s") + "), RPO "
                + minutes(drill.rpoMinutes()) + " (limit " + Numbers.limit(drill.maxRpoMinutes(), "m") + ")";
    }

    private static String seconds(Optional<Double> value) {
        return value.map(v -> String.format(Locale.ROOT, "%.1fs", v)).orElse("n/a");
    }

    private static String minutes(Optional<Double> value) {
        return value.map(v -> String.format(Locale.ROOT, "%.1fm", v)).orElse("n/a");
    }
}
