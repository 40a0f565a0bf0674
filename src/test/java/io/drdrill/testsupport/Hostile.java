package io.drdrill.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every hostile-input case checks afterwards: the inputs are byte for byte what they were, no process the
 * case started is left, and what reached the terminal holds no stack trace and no raw control character.
 */
public final class Hostile {

    private Hostile() {
    }

    /** The bytes of every regular file below {@code dir} (links are not followed), to compare afterwards. */
    public static Map<Path, byte[]> snapshot(Path... roots) {
        Map<Path, byte[]> files = new LinkedHashMap<>();
        for (Path root : roots) {
            if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path file : walk.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).toList()) {
                    files.put(file, Files.readAllBytes(file));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return files;
    }

    /** Every file of the snapshot still exists with exactly the bytes it had. */
    public static void assertUnchanged(Map<Path, byte[]> before) {
        before.forEach((file, bytes) -> {
            assertThat(file).as("input %s", file).exists();
            try {
                assertThat(Files.readAllBytes(file)).as("bytes of input %s", file).isEqualTo(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** A token no other process on the machine has in its command line, for the processes a case starts. */
    public static String marker() {
        return "300." + (100000 + ThreadLocalRandom.current().nextInt(900000));
    }

    /** Processes (not zombies) whose command line holds {@code marker}, after up to five seconds of grace. */
    public static List<String> survivors(String marker) throws InterruptedException {
        List<String> found = List.of();
        for (int attempt = 0; attempt < 50; attempt++) {
            found = scan(marker);
            if (found.isEmpty()) {
                return found;
            }
            Thread.sleep(100);
        }
        return found;
    }

    private static List<String> scan(String marker) {
        List<String> found = new ArrayList<>();
        long self = ProcessHandle.current().pid();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    if (Long.parseLong(proc.getFileName().toString()) == self) {
                        continue;
                    }
                    String cmdline = Files.readString(proc.resolve("cmdline")).replace('\0', ' ');
                    String stat = Files.readString(proc.resolve("stat"));
                    String state = stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
                    if (cmdline.contains(marker) && !state.equals("Z") && !state.equals("X")) {
                        found.add(proc.getFileName() + ": " + cmdline.strip());
                    }
                } catch (IOException | RuntimeException gone) {
                    // the process ended while we looked
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    /** What a person at the terminal would see must be plain one-line messages: no trace, no escape sequence. */
    public static void assertTerminalSafe(String output) {
        assertThat(output).as("terminal output").doesNotContain("\tat ").doesNotContain("Exception:")
                .doesNotContain("Caused by").doesNotContain("\u001b").doesNotContain("\r").doesNotContain("\0");
        for (char c : output.toCharArray()) {
            assertThat(c == '\n' || c == '\t' || (c >= 0x20 && c != 0x7f && (c < 0x80 || c > 0x9f)))
                    .as("control character U+%04X in terminal output: %s", (int) c, output).isTrue();
        }
    }
}
