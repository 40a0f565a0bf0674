package io.drdrill.cli;

import io.drdrill.logging.TerminalText;
import io.drdrill.policy.Numbers;
import io.drdrill.process.DrillResult;

import java.util.Locale;
import java.util.Optional;

/**
 * The one line {@code dr-drill run} prints about a drill. Messages quote inputs, so control characters are
 * escaped ({@link TerminalText}): a manifest value can never rewrite the operator's terminal.
 */
final class Verdict {

    static final String PREFIX = "[dr-drill] ";

    private Verdict() {
    }

    static String of(DrillResult result) {
        String stage = result.failedStage().map(s -> " at " + s).orElse("");
        String message = result.errorMessage().orElse("(no message)");
        return PREFIX + TerminalText.escape(switch (result.status().orElseThrow()) {
            case PASSED -> "PASS: " + metrics(result);
            case FAILED -> "FAIL" + stage + ": " + message;
            case POLICY_VIOLATION -> "POLICY VIOLATION" + stage + ": " + message + " (" + metrics(result) + ")";
            case INVALID -> "INVALID: " + message;
            case RUNNING -> "ERROR: the drill did not finish";
        });
    }

    /** The stderr line for an alert given up on: the verdict above it stands. */
    static String alertNotSent(String message) {
        String first = firstLine(message == null ? "(no message)" : message.strip());
        return PREFIX + "ALERT NOT SENT: " + TerminalText.escape(first.length() <= 300 ? first
                : first.substring(0, 297) + "...") + "; the verdict and exit code are the drill's";
    }

    /** One line, whatever the cause said (a database error may quote a whole SQL statement). */
    static String error(String message) {
        String first = firstLine(message == null ? "(no message)" : message.strip());
        return PREFIX + "ERROR: " + TerminalText.escape(first.length() <= 300 ? first : first.substring(0, 297) + "...");
    }

    /** Up to the first line feed: a carriage return quoted from an input is shown escaped, not taken as a break. */
    private static String firstLine(String message) {
        int end = message.indexOf('\n');
        if (end < 0) {
            return message;
        }
        return message.substring(0, end > 0 && message.charAt(end - 1) == '\r' ? end - 1 : end);
    }

    private static String metrics(DrillResult result) {
        return "RTO=" + oneDecimal(result.rtoSeconds()) + "s (limit=" + Numbers.limit(result.maxRtoSeconds(), "s") + "), "
                + "RPO=" + oneDecimal(result.rpoMinutes()) + "m (limit=" + Numbers.limit(result.maxRpoMinutes(), "m") + ")";
    }

    private static String oneDecimal(Optional<Double> value) {
        return value.map(v -> String.format(Locale.ROOT, "%.1f", v)).orElse("n/a");
    }
}
