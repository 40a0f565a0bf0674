package io.drdrill.restore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Finds the processes a test recall script started, by a unique argument in their command line: PIDs a script
 * records ({@code $!}) are PIDs of its own namespace and mean nothing out here, so only /proc can tell.
 */
final class Survivors {

    /** The unique part of the command lines, e.g. {@code 300.123456789} for {@code sleep 300.123456789}. */
    final String marker;

    private Survivors(String marker) {
        this.marker = marker;
    }

    /** A new marker that sleeps for {@code seconds} and a unique fraction of a second when given to sleep. */
    static Survivors sleeping(int seconds) {
        return new Survivors(seconds + "." + (100_000_000 + ThreadLocalRandom.current().nextInt(900_000_000)));
    }

    /**
     * Shell snippet defining {@code await_children N}: waits until N processes carrying the marker exist, or exits
     * the script with 99, so that a test cannot pass because the children never started. The regular expression
     * ({@code 300\.123...}) does not match grep's own command line.
     */
    String awaitFunction() {
        String regex = marker.replace(".", "\\.");
        return """
                await_children() {
                    tries=0
                    while [ "$(grep -l '%s' /proc/[0-9]*/cmdline 2>/dev/null | wc -l)" -lt "$1" ]; do
                        tries=$((tries + 1))
                        if [ "$tries" -gt 200 ]; then echo "children did not start" >&2; exit 99; fi
                        sleep 0.05
                    done
                }
                """.formatted(regex);
    }

    /** Live (not zombie) processes whose command line contains the marker, as "pid: cmdline". */
    List<String> alive() {
        List<String> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(proc -> {
                try {
                    String cmdline = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8)
                            .replace('\0', ' ').strip();
                    if (cmdline.contains(marker) && !isZombie(proc)) {
                        found.add(proc.getFileName() + ": " + cmdline);
                    }
                } catch (IOException | RuntimeException gone) {
                    // exited while we looked
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        return found;
    }

    /** Polls until no process carries the marker; returns what is still alive at the deadline. */
    List<String> aliveAfter(Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        List<String> alive = alive();
        while (!alive.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            alive = alive();
        }
        return alive;
    }

    /** Polls until at least {@code count} processes carry the marker. */
    boolean awaitAtLeast(int count, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (alive().size() < count) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    /** Clean-up after a failed test: SIGKILL whatever still carries the marker. */
    void killAll() {
        for (String process : alive()) {
            long pid = Long.parseLong(process.substring(0, process.indexOf(':')));
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private static boolean isZombie(Path proc) throws IOException {
        String stat = Files.readString(proc.resolve("stat"));
        String state = stat.substring(stat.lastIndexOf(')') + 1).strip();
        return state.startsWith("Z") || state.startsWith("X");
    }
}
