package io.drdrill.backup;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Builds and inspects archives for the tests: mostly with the system's {@code tar} and {@code gzip} (tools
 * independent of the code under test), and with commons-compress where a test needs entry names or links that
 * GNU tar refuses to write.
 */
final class Archives {

    private Archives() {
    }

    /** Runs a command in {@code dir}, asserts it exits 0 within five minutes and returns its standard output. */
    static String run(Path dir, String... command) {
        try {
            Path stderr = Files.createTempFile("drdrill-test-stderr", ".txt");
            Process process = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectError(stderr.toFile()).start();
            process.getOutputStream().close();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("%s finished", Arrays.toString(command)).isTrue();
            String err = Files.readString(stderr);
            Files.delete(stderr);
            assertThat(process.exitValue()).as("%s exit code (stderr: %s)", Arrays.toString(command), err).isZero();
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs a shell command line in {@code dir} (for pipes), asserting success. */
    static String sh(Path dir, String commandLine) {
        return run(dir, "sh", "-c", commandLine);
    }

    /** How many entries GNU tar lists ({@code tar -tf}, or {@code tar -tzf} for a gzip-compressed archive). */
    static long tarListCount(Path archive, boolean gzip) {
        String listing = run(archive.toAbsolutePath().getParent(), "tar", gzip ? "-tzf" : "-tf",
                archive.toAbsolutePath().toString());
        return listing.lines().count();
    }

    static Path writeFile(Path file, String content) {
        return writeFile(file, content.getBytes(StandardCharsets.UTF_8));
    }

    static Path writeFile(Path file, byte[] content) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code size} bytes of readable, compressible text. */
    static byte[] text(int size) {
        byte[] bytes = new byte[size];
        byte[] line = "the quick brown fox jumps over the lazy dog 0123456789\n".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < size; i++) {
            bytes[i] = line[(i * 7 + i / line.length) % line.length];
        }
        return bytes;
    }

    /** Flips bits of the byte at {@code offset} (XOR with {@code mask}). */
    static void flip(Path file, int offset, int mask) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            bytes[offset] ^= (byte) mask;
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code value} into the header at {@code header} (field at {@code offset}), then fixes its checksum. */
    static void rewriteHeaderField(Path file, int header, int offset, String value) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            byte[] field = value.getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(field, 0, bytes, header + offset, field.length);
            Arrays.fill(bytes, header + 148, header + 156, (byte) ' ');
            long sum = 0;
            for (int i = 0; i < 512; i++) {
                sum += bytes[header + i] & 0xff;
            }
            byte[] checksum = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(checksum, 0, bytes, header + 148, 8);
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Keeps the first {@code length} bytes of {@code from} in {@code to}. */
    static Path truncateCopy(Path from, Path to, int length) {
        try {
            byte[] bytes = Files.readAllBytes(from);
            return Files.write(to, Arrays.copyOf(bytes, length));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path append(Path file, byte[] extra) {
        try {
            return Files.write(file, extra, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------- crafted archives (commons-compress)

    /** One entry of a crafted archive. */
    record Entry(String name, byte type, String linkName, byte[] content) {

        static Entry file(String name, String content) {
            return new Entry(name, TarConstants.LF_NORMAL, null, content.getBytes(StandardCharsets.UTF_8));
        }

        static Entry directory(String name) {
            return new Entry(name, TarConstants.LF_DIR, null, new byte[0]);
        }

        static Entry symlink(String name, String target) {
            return new Entry(name, TarConstants.LF_SYMLINK, target, new byte[0]);
        }

        static Entry hardlink(String name, String target) {
            return new Entry(name, TarConstants.LF_LINK, target, new byte[0]);
        }
    }

    /** A plain tar with exactly these entries, names kept verbatim (absolute and {@code ..} names included). */
    static Path craftedTar(Path file, List<Entry> entries) {
        try (OutputStream out = Files.newOutputStream(file)) {
            writeTar(out, entries);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void writeTar(OutputStream target, List<Entry> entries) throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(target);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        for (Entry entry : entries) {
            TarArchiveEntry tarEntry = new TarArchiveEntry(entry.name(), entry.type(), true);
            if (entry.linkName() != null) {
                tarEntry.setLinkName(entry.linkName());
            }
            tarEntry.setSize(entry.content().length);
            tar.putArchiveEntry(tarEntry);
            tar.write(entry.content());
            tar.closeArchiveEntry();
        }
        tar.finish();
        tar.flush();
    }
}
