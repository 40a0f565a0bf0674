package io.drdrill.cli;

import io.drdrill.step.StepName;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** What a running drill shows on stderr, on a terminal, in a log and with --quiet, on a clock the test moves. */
class TerminalProgressTest {

    private final StringWriter out = new StringWriter();
    private final AtomicLong clock = new AtomicLong();

    private TerminalProgress progress(TerminalProgress.Mode mode) {
        return new TerminalProgress(new PrintWriter(out), mode, clock::get);
    }

    @Test
    void inALogEachStepIsOneLineWithItsOutcomeDurationAndThroughput() {
        // Given a log (stderr is no terminal)
        TerminalProgress shown = progress(TerminalProgress.Mode.LINES);

        // When a step hashes 1 GiB in 2 s and the next fails at once
        shown.stepStarted(StepName.VERIFY_BACKUP_DIGEST);
        clock.set(1_000_000_000L);
        shown.bytes("hashing backup.json", 512L << 20, 1L << 30);
        clock.set(2_000_000_000L);
        shown.bytes("hashing backup.json", 1L << 30, 1L << 30);
        shown.stepEnded(StepName.VERIFY_BACKUP_DIGEST, "passed");
        shown.stepStarted(StepName.VERIFY_BACKUP_PAYLOAD);
        shown.stepEnded(StepName.VERIFY_BACKUP_PAYLOAD, "failed");

        // Then there is one plain line per step, no carriage return, no bar
        assertThat(out.toString().lines()).containsExactly(
                "[dr-drill] 1/7 verify_backup_digest passed in 2.0 s (hashing backup.json: 1.0 GiB, 512.0 MiB/s)",
                "[dr-drill] 2/7 verify_backup_payload failed in 0.0 s");
    }

    @Test
    void onATerminalTheLineIsRedrawnWithABarAtMostTenTimesASecond() {
        // Given a terminal
        TerminalProgress shown = progress(TerminalProgress.Mode.TTY);

        // When a copy reports progress every millisecond for 0.5 s
        shown.stepStarted(StepName.RESTORE_ARTIFACT);
        for (int ms = 1; ms <= 500; ms++) {
            clock.set(ms * 1_000_000L);
            shown.bytes("copying backup.json", ms * (1L << 20), 500L << 20);
        }
        shown.stepEnded(StepName.RESTORE_ARTIFACT, "passed");

        // Then the line is redrawn in place a handful of times, shows the bar, and ends with a newline
        String text = out.toString();
        long redraws = text.chars().filter(c -> c == '\r').count();
        assertThat(redraws).isBetween(3L, 10L);
        assertThat(text).contains("5/7 restore_artifact copying backup.json [########################] 100% "
                + "500.0 MiB / 500.0 MiB").contains("1000.0 MiB/s").endsWith("\n");
    }

    @Test
    void quietShowsNothing() {
        // Given --quiet
        TerminalProgress shown = progress(TerminalProgress.Mode.NONE);

        // When a step runs
        shown.stepStarted(StepName.VALIDATE_SBOM);
        shown.bytes("hashing x", 1, 2);
        shown.stepEnded(StepName.VALIDATE_SBOM, "passed");

        // Then nothing was written
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void theLaunchersModeNamesAreUnderstoodAndAnythingElseIsALog() {
        assertThat(TerminalProgress.Mode.of("tty")).isEqualTo(TerminalProgress.Mode.TTY);
        assertThat(TerminalProgress.Mode.of("none")).isEqualTo(TerminalProgress.Mode.NONE);
        assertThat(TerminalProgress.Mode.of(null)).isEqualTo(TerminalProgress.Mode.LINES);
        assertThat(TerminalProgress.Mode.of("lines")).isEqualTo(TerminalProgress.Mode.LINES);
    }
}
