package io.drdrill.step;

import java.util.Locale;

/**
 * What operators read instead of ids and raw numbers: step names as words ("Verify backup digest") and durations
 * in the largest two units that matter ("11 d 13 h (limit 7 d)"). Forms, task names and the Cockpit plugin say
 * the same words (the plugin's drill-history-core.js follows these rules).
 */
public final class Words {

    /** The step before the seven checks: reading and validating the manifest. */
    public static final String LOAD_MANIFEST = "load_manifest";

    private static final long MINUTE = 60;
    private static final long HOUR = 60 * MINUTE;
    private static final long DAY = 24 * HOUR;

    private Words() {
    }

    /** "Verify backup digest" for {@code verify_backup_digest}; an id it does not know comes back unchanged. */
    public static String step(String id) {
        if (id == null) {
            return null;
        }
        if (LOAD_MANIFEST.equals(id)) {
            return "Load manifest";
        }
        return StepName.byId(id).map(Words::step).orElse(id);
    }

    public static String step(StepName step) {
        String words = step.id().replace('_', ' ');
        words = words.replace("sbom", "SBOM");
        return Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }

    /**
     * A duration in words: under a minute with one decimal ("12.3 s", "< 0.1 s" for a blink), then the two largest units, a zero second
     * unit left out ("4 min 5 s", "5 min", "3 h 12 min", "11 d 13 h", "7 d").
     */
    public static String duration(double seconds) {
        if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
            return "not measured";
        }
        if (seconds < 0) {
            return "-" + duration(-seconds);
        }
        if (seconds > 0 && seconds < 0.05) {
            return "< 0.1 s";
        }
        if (seconds < MINUTE) {
            String text = String.format(Locale.ROOT, "%.1f", seconds);
            return (text.endsWith(".0") ? text.substring(0, text.length() - 2) : text) + " s";
        }
        long whole = Math.round(seconds);
        if (whole < HOUR) {
            return two(whole / MINUTE, "min", whole % MINUTE, "s");
        }
        if (whole < DAY) {
            return two(whole / HOUR, "h", (whole % HOUR) / MINUTE, "min");
        }
        return two(whole / DAY, "d", (whole % DAY) / HOUR, "h");
    }

    /** {@code value} with its limit beside it, "11 d 13 h (limit 7 d)"; "(no limit)" when there is none. */
    public static String durationWithLimit(Double seconds, Double limitSeconds) {
        String value = seconds == null ? "not measured" : duration(seconds);
        return value + (limitSeconds == null ? " (no limit)" : " (limit " + duration(limitSeconds) + ")");
    }

    /** Minutes (RPO, its limit) as {@link #durationWithLimit}. */
    public static String minutesWithLimit(Double minutes, Double limitMinutes) {
        return durationWithLimit(minutes == null ? null : minutes * MINUTE,
                limitMinutes == null ? null : limitMinutes * MINUTE);
    }

    private static String two(long big, String bigUnit, long small, String smallUnit) {
        return small == 0 ? big + " " + bigUnit : big + " " + bigUnit + " " + small + " " + smallUnit;
    }
}
