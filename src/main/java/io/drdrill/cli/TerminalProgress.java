package io.drdrill.cli;

import io.drdrill.step.Progress;
import io.drdrill.step.StepName;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Shows a headless drill on stderr while it runs, so that a gigabyte backup is not minutes of silence: on a
 * terminal a live line with the step and, while hashing or copying, a bar with bytes done, total and throughput;
 * in a CI log (stderr not a terminal) one line per finished step; with {@code --quiet} nothing.
 */
final class TerminalProgress implements Progress {

    /** How the progress is shown: {@code bin/dr-drill} chooses from whether stderr is a terminal. */
    enum Mode {
        TTY, LINES, NONE;

        static Mode of(String value) {
            if (value == null) {
                return LINES;
            }
            return switch (value.strip().toLowerCase(Locale.ROOT)) {
                case "tty" -> TTY;
                case "none", "quiet" -> NONE;
                default -> LINES;
            };
        }
    }

    private static final long REDRAW_NANOS = 100_000_000L;
    private static final int BAR_WIDTH = 24;

    private final PrintWriter err;
    private final Mode mode;
    private final LongSupplier nanoClock;
    private String step = "";
    private long stepStarted;
    private long lastDrawn;
    private int drawnWidth;
    private String reading;
    private long done;
    private long total;

    TerminalProgress(PrintWriter err, Mode mode, LongSupplier nanoClock) {
        this.err = err;
        this.mode = mode;
        this.nanoClock = nanoClock;
    }

    @Override
    public void stepStarted(StepName step) {
        this.step = label(step);
        stepStarted = nanoClock.getAsLong();
        reading = null;
        done = 0;
        total = 0;
        if (mode == Mode.TTY) {
            draw(this.step + " ...");
        }
    }

    @Override
    public void bytes(String what, long done, long total) {
        this.reading = what;
        this.done = done;
        this.total = total;
        if (mode != Mode.TTY) {
            return;
        }
        long now = nanoClock.getAsLong();
        if (now - lastDrawn >= REDRAW_NANOS || done >= total) {
            lastDrawn = now;
            draw(step + " " + what + " " + bar(done, total) + " " + size(done) + " / " + size(total) + "  " + rate(now));
        }
    }

    @Override
    public void stepEnded(StepName step, String outcome) {
        if (mode == Mode.NONE) {
            return;
        }
        long now = nanoClock.getAsLong();
        String line = label(step) + " " + outcome + " in " + seconds(now - stepStarted)
                + (reading == null ? "" : " (" + reading + ": " + size(done) + ", " + rate(now) + ")");
        if (mode == Mode.TTY) {
            draw(line);
            err.print('\n');
            drawnWidth = 0;
        } else {
            err.println(Verdict.PREFIX + line);
        }
        err.flush();
    }

    private static String label(StepName step) {
        return (step.ordinal() + 1) + "/" + StepName.values().length + " " + step.id();
    }

    /** Rewrites the current terminal line, padding over what a longer previous text left. */
    private void draw(String text) {
        String line = Verdict.PREFIX + text;
        int pad = Math.max(0, drawnWidth - line.length());
        err.print('\r' + line + " ".repeat(pad));
        err.flush();
        drawnWidth = line.length();
    }

    static String bar(long done, long total) {
        int filled = total <= 0 ? BAR_WIDTH : (int) Math.min(BAR_WIDTH, done * BAR_WIDTH / total);
        int percent = total <= 0 ? 100 : (int) Math.min(100, done * 100 / total);
        return "[" + "#".repeat(filled) + " ".repeat(BAR_WIDTH - filled) + "] " + percent + "%";
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes / 1024.0;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    private String rate(long now) {
        double elapsed = Math.max(1e-3, (now - stepStarted) / 1e9);
        return size((long) (done / elapsed)) + "/s";
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }
}
