package io.drdrill.step;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Which file, as the file system knows it: its key (device and inode where the platform has them), size,
 * modification time and, where the platform has it, the status change time. A step records it; a later step
 * compares it, so that a file replaced or rewritten in between is noticed: a restored copy that another drill of
 * the same manifest put there, a backup written again after its digest was checked. The change time catches an
 * in-place rewrite that kept the size and set the modification time back ({@code rsync --inplace -t},
 * {@code cp -p}): nobody can set it.
 *
 * <p>An identity is comparable only on the machine, and in the boot, that took it ({@link #machine()}): another
 * host may number devices differently, and a reboot may too.
 */
public final class FileIdentity {

    private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");
    private static final Path HOST_NAME = Path.of("/proc/sys/kernel/hostname");
    private static volatile String host;
    private static volatile String machine;

    private FileIdentity() {
    }

    public static String of(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        String identity = attributes.fileKey() + ";" + attributes.size() + ";"
                + attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS);
        try {
            if (Files.getAttribute(file, "unix:ctime") instanceof FileTime changed) {
                identity += ";" + changed.to(TimeUnit.NANOSECONDS);
            }
        } catch (UnsupportedOperationException | IllegalArgumentException noUnixView) {
            // not a Unix file system view: key, size and modification time are all there is
        }
        return identity;
    }

    /**
     * Whether two identities of one path differ in the status change time alone: the same file, size and
     * modification time, but its attributes changed (a mode, an owner, a hard link) or it was rewritten in place
     * with its modification time set back. Only reading it again tells which.
     */
    public static boolean onlyStatusChanged(String then, String now) {
        String[] a = then.split(";");
        String[] b = now.split(";");
        return a.length == 4 && b.length == 4 && a[0].equals(b[0]) && a[1].equals(b[1]) && a[2].equals(b[2])
                && !a[3].equals(b[3]);
    }

    /** What differs between two identities of one path, in words, for a one-line message. */
    public static String change(String then, String now) {
        String[] a = then.split(";");
        String[] b = now.split(";");
        if (then.equals(now)) {
            return "the same file";
        }
        if (a.length < 3 || a.length != b.length) {
            return "file identity " + then + " then, " + now + " now";
        }
        if (!a[0].equals(b[0])) {
            return "another file is there now: " + a[0] + " then, " + b[0] + " now";
        }
        if (!a[1].equals(b[1])) {
            return "its size changed from " + a[1] + " to " + b[1] + " bytes";
        }
        if (!a[2].equals(b[2])) {
            return "it was modified (modification time " + instant(a[2]) + " then, " + instant(b[2]) + " now)";
        }
        return "its status change time moved (written in place or its attributes changed)";
    }

    private static String instant(String nanos) {
        try {
            return Instant.EPOCH.plusNanos(Long.parseLong(nanos)).toString();
        } catch (NumberFormatException e) {
            return nanos;
        }
    }

    /** The identity of {@code file} prefixed with {@link #machine()}: equal only for the same file on this machine. */
    public static String onThisMachine(Path file) throws IOException {
        return machine() + " " + of(file);
    }

    /** This host's name, as people know it (for the evidence). */
    public static String host() {
        if (host == null) {
            host = readHostName();
        }
        return host;
    }

    /** This host in this boot: its name and, on Linux, the kernel's boot id. */
    public static String machine() {
        if (machine == null) {
            String boot;
            try {
                boot = Files.readString(BOOT_ID).strip();
            } catch (IOException | RuntimeException e) {
                boot = "";
            }
            machine = host() + (boot.isEmpty() ? "" : "/" + boot);
        }
        return machine;
    }

    private static String readHostName() {
        try {
            String name = Files.readString(HOST_NAME).strip();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: ask the resolver
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
