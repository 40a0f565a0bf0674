package io.drdrill.backup;

import io.drdrill.backup.GzipContent.GzipException;
import io.drdrill.backup.StrictTarInputStream.TarStructureException;
import io.drdrill.step.DrDrillError;
import io.drdrill.step.StepResult;
import io.drdrill.manifest.BackupFormat;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code verify_backup_payload} for {@code tar} and {@code tar.gz} backups: streams the archive once and proves it
 * is intact. Gzip: every member's CRC-32 and ISIZE. Tar: every header's checksum, every entry's data read to its
 * declared size, the end-of-archive marker present and nothing but zero padding after it. No entry may be
 * absolute or contain a {@code ..} segment, no symlink may point outside the archive, since a restore that
 * extracts it would write outside its folder. Memory is flat: fixed buffers, entries are counted, and at most
 * {@value #MAX_SAMPLES} names are kept as examples.
 */
public final class TarArchiveCheck {

    /** Symlink names kept to check later entries against (about 100 MB at most for long names). */
    static final int MAX_TRACKED_SYMLINKS = 500_000;

    static final int MAX_SAMPLES = 10;
    static final int MAX_UNSAFE = 10;
    private static final int BUFFER = 1 << 16;

    public StepResult verify(Path backup, BackupFormat format) {
        if (format != BackupFormat.TAR && format != BackupFormat.TAR_GZ) {
            throw new IllegalArgumentException("not an archive format: " + format);
        }
        if (!Files.isRegularFile(backup)) {
            throw new DrDrillError("backup " + backup + " does not exist or is not a regular file");
        }
        try (InputStream in = Files.newInputStream(backup)) {
            return verify(in, backup, format);
        } catch (IOException e) {
            throw new DrDrillError("backup " + backup + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** The same check over the archive's bytes as they are read elsewhere; {@code backup} names it in messages. */
    StepResult verify(InputStream in, Path backup, BackupFormat format) {
        if (format != BackupFormat.TAR && format != BackupFormat.TAR_GZ) {
            throw new IllegalArgumentException("not an archive format: " + format);
        }
        boolean gzip = format == BackupFormat.TAR_GZ;
        String label = "backup " + backup.getFileName();
        try {
            InputStream file = new BufferedInputStream(in, BUFFER);
            byte[] head = peek(file, StrictTarInputStream.RECORD_SIZE);
            checkCompression(head, gzip, label);
            Tally tally;
            if (gzip) {
                GzipContent content = GzipContent.open(file);
                try {
                    tally = scan(content, label);
                } catch (DrDrillError tarDamage) {
                    throw rootCause(content, label, tarDamage);
                }
                tally.gzipMembers = content.members();
                tally.gzipTrailingZeroBytes = content.trailingZeroBytes();
            } else {
                tally = scan(file, label);
            }
            return outcome(format, tally);
        } catch (GzipException e) {
            throw new DrDrillError(label + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new DrDrillError("backup " + backup + " cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Damaged deflate data can still inflate to something, which then fails as tar damage before the gzip trailer is
     * reached. The rest of the gzip stream is read to tell: gzip damage, the root cause, is reported first.
     */
    private static DrDrillError rootCause(GzipContent content, String label, DrDrillError tarDamage) {
        try {
            content.transferTo(OutputStream.nullOutputStream());
            return tarDamage;
        } catch (GzipException gzip) {
            String symptom = tarDamage.getMessage().startsWith(label + ": ")
                    ? tarDamage.getMessage().substring(label.length() + 2) : tarDamage.getMessage();
            return new DrDrillError(label + ": " + gzip.getMessage() + "; the damage already showed in the tar "
                    + "content: " + symptom, gzip);
        } catch (IOException other) {
            return tarDamage;
        }
    }

    // ---------------------------------------------------------------- what the file is

    private static byte[] peek(InputStream in, int length) throws IOException {
        in.mark(length);
        byte[] head = in.readNBytes(length);
        in.reset();
        return head;
    }

    private static void checkCompression(byte[] head, boolean gzip, String label) {
        if (head.length == 0) {
            throw new DrDrillError(label + " is empty (0 bytes), not a " + (gzip ? "gzip-compressed " : "")
                    + "tar archive");
        }
        Optional<String> compression = compression(head);
        if (gzip && !compression.equals(Optional.of("gzip"))) {
            String what = compression.map(c -> "it is " + c + "-compressed")
                    .orElseGet(() -> looksLikeTar(head)
                            ? "it is a plain tar archive (set backup.format to \"tar\")"
                            : "it does not start with the gzip magic bytes 1f 8b");
            throw new DrDrillError(label + ": not gzip-compressed: " + what
                    + (compression.isPresent() ? "; only tar and tar.gz archives are supported" : ""));
        }
        if (!gzip && compression.isPresent()) {
            throw new DrDrillError(label + ": not a plain tar archive: it is " + compression.get() + "-compressed"
                    + (compression.get().equals("gzip") ? " (set backup.format to \"tar.gz\")"
                    : "; only tar and tar.gz archives are supported"));
        }
    }

    private static Optional<String> compression(byte[] head) {
        if (startsWith(head, 0x1f, 0x8b)) {
            return Optional.of("gzip");
        }
        if (startsWith(head, 'B', 'Z', 'h')) {
            return Optional.of("bzip2");
        }
        if (startsWith(head, 0xfd, '7', 'z', 'X', 'Z', 0x00)) {
            return Optional.of("xz");
        }
        if (startsWith(head, 0x28, 0xb5, 0x2f, 0xfd)) {
            return Optional.of("zstd");
        }
        return Optional.empty();
    }

    private static boolean looksLikeTar(byte[] head) {
        if (head.length < StrictTarInputStream.RECORD_SIZE) {
            return false;
        }
        String magic = new String(head, 257, 5, StandardCharsets.US_ASCII);
        return magic.equals("ustar") || StrictTarInputStream.checksumOk(head);
    }

    private static boolean startsWith(byte[] bytes, int... prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((bytes[i] & 0xff) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- the walk

    private static Tally scan(InputStream content, String label) throws IOException {
        Tally tally = new Tally();
        byte[] buffer = new byte[BUFFER];
        StrictTarInputStream tar = new StrictTarInputStream(content);
        String previous = null;
        for (TarArchiveEntry entry = next(tar, label, previous); entry != null; entry = next(tar, label, previous)) {
            String name = entry.getName();
            if (!tar.canReadEntryData(entry)) {
                throw new DrDrillError(label + ": entry '" + EntryPaths.shown(name)
                        + "' is stored in a way this check cannot read (unsupported sparse format)");
            }
            long declared = entry.getRealSize();
            long read = readEntry(tar, buffer, label, name, declared);
            tally.add(entry, read);
            checkSafety(entry, tally);
            previous = name;
        }
        checkEnd(tar, content, buffer, label, tally, previous);
        return tally;
    }

    private static TarArchiveEntry next(StrictTarInputStream tar, String label, String previous) throws IOException {
        try {
            return tar.getNextEntry();
        } catch (GzipException e) {
            throw e;
        } catch (TarStructureException e) {
            throw new DrDrillError(label + ": " + e.getMessage() + after(previous, e.getMessage()), e);
        } catch (IOException e) {
            rethrowGzipCause(e);
            Throwable cause = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause() : e;
            throw invalidHeader(tar, label, previous, cause.getMessage(), e);
        } catch (RuntimeException e) {
            // commons-compress signals some malformed headers with unchecked exceptions
            throw invalidHeader(tar, label, previous, String.valueOf(e.getMessage()), e);
        }
    }

    private static DrDrillError invalidHeader(StrictTarInputStream tar, String label, String previous, String what,
                                              Exception cause) {
        return new DrDrillError(label + ": invalid tar header" + (tar.lastHeaderAt() >= 0
                ? " at byte " + tar.lastHeaderAt() : "") + ": " + what + after(previous, ""), cause);
    }

    /** Commons-compress may wrap what the gzip layer threw; gzip damage is reported as such. */
    private static void rethrowGzipCause(IOException e) throws GzipException {
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause instanceof GzipException gzip) {
                throw gzip;
            }
        }
    }

    private static String after(String previous, String message) {
        return previous == null || message.startsWith("not a tar archive")
                ? "" : " (after entry '" + EntryPaths.shown(previous) + "')";
    }

    /** Reads and discards the entry's data, proving it is there to its declared size. */
    private static long readEntry(StrictTarInputStream tar, byte[] buffer, String label, String name, long declared)
            throws IOException {
        long read = 0;
        try {
            for (int n = tar.read(buffer); n >= 0; n = tar.read(buffer)) {
                read += n;
            }
        } catch (GzipException e) {
            throw e;
        } catch (IOException e) {
            rethrowGzipCause(e);
            if (e.getMessage() != null && e.getMessage().contains("Truncated")) {
                throw truncated(label, name, declared, read, e);
            }
            throw new DrDrillError(label + ": entry '" + EntryPaths.shown(name) + "' cannot be read after " + read
                    + " of " + declared + " bytes: " + e.getMessage(), e);
        }
        if (read != declared) {
            throw truncated(label, name, declared, read, null);
        }
        return read;
    }

    private static DrDrillError truncated(String label, String name, long declared, long read, Throwable cause) {
        return new DrDrillError(label + ": truncated: entry '" + EntryPaths.shown(name) + "' declares " + declared
                + " bytes, archive ends after " + read, cause);
    }

    private static void checkSafety(TarArchiveEntry entry, Tally tally) {
        String name = entry.getName();
        Optional<String> problem = EntryPaths.unsafeName(name);
        String shown = "'" + EntryPaths.shown(name) + "'";
        if (problem.isEmpty() && entry.isSymbolicLink()) {
            problem = EntryPaths.unsafeSymlink(name, entry.getLinkName());
            shown += " -> '" + EntryPaths.shown(entry.getLinkName()) + "'";
        } else if (problem.isEmpty() && entry.isLink()) {
            problem = EntryPaths.unsafeHardlink(entry.getLinkName());
            shown += " => '" + EntryPaths.shown(entry.getLinkName()) + "'";
        }
        if (problem.isEmpty()) {
            problem = EntryPaths.throughSymlink(name, entry.isSymbolicLink() ? entry.getLinkName() : null,
                    tally.symlinkNames);
        }
        if (problem.isPresent()) {
            tally.unsafe(shown + " " + problem.get());
        }
        if (entry.isSymbolicLink()) {
            if (tally.symlinkNames.size() >= MAX_TRACKED_SYMLINKS) {
                throw new DrDrillError("archive has more than " + MAX_TRACKED_SYMLINKS
                        + " symlinks: too many to check that no entry is written through one");
            }
            tally.symlinkNames.add(EntryPaths.key(name));
        }
    }

    /** The end-of-archive marker, then nothing but zero padding; then the archive's content as a whole. */
    private static void checkEnd(StrictTarInputStream tar, InputStream content, byte[] buffer, String label,
                                 Tally tally, String previous) throws IOException {
        if (tally.entries == 0 && tar.getBytesRead() == 0) {
            throw new DrDrillError(label + ": not a tar archive: " + (content instanceof GzipContent
                    ? "the gzip stream decompresses to nothing" : "no content"));
        }
        if (!tar.endMarkerComplete()) {
            String where = previous == null ? "" : " after entry '" + EntryPaths.shown(previous) + "'";
            throw new DrDrillError(label + ": truncated: " + (tar.zeroRecords() == 0
                    ? "the archive ends at byte " + tar.getBytesRead() + where
                      + " without the end-of-archive marker (two zero records)"
                    : "the end-of-archive marker at byte " + tar.endMarkerAt()
                      + " is incomplete (one zero record, the archive ends before the second)"));
        }
        long zeros = 0;
        for (int n = content.read(buffer); n >= 0; n = content.read(buffer)) {
            for (int i = 0; i < n; i++) {
                if (buffer[i] != 0) {
                    throw new DrDrillError(label + ": unexpected data after the end-of-archive marker (at byte "
                            + (tar.getBytesRead() + zeros + i) + " of the tar stream): tar stops reading at the "
                            + "marker and would silently ignore it (another archive appended?)");
                }
            }
            zeros += n;
        }
        if (tally.entries == 0) {
            throw new DrDrillError(label + ": archive has no entries");
        }
        if (tally.unsafe > 0) {
            String more = tally.unsafe > tally.unsafeExamples.size()
                    ? "; and " + (tally.unsafe - tally.unsafeExamples.size()) + " more" : "";
            throw new DrDrillError(label + ": " + tally.unsafe + " unsafe entr" + (tally.unsafe == 1 ? "y" : "ies")
                    + ", a restore that extracts " + (tally.unsafe == 1 ? "it" : "them")
                    + " would write outside the restore folder: " + String.join("; ", tally.unsafeExamples) + more);
        }
    }

    // ---------------------------------------------------------------- the outcome

    private static StepResult outcome(BackupFormat format, Tally tally) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("backup_format", format.id());
        facts.put("archive_entries", tally.entries);
        facts.put("archive_files", tally.files);
        facts.put("archive_directories", tally.directories);
        facts.put("archive_symlinks", tally.symlinks);
        facts.put("archive_hardlinks", tally.hardlinks);
        facts.put("archive_other_entries", tally.other);
        facts.put("archive_bytes", tally.bytes);
        facts.put("archive_sample_entries", List.copyOf(tally.samples));
        if (format == BackupFormat.TAR_GZ) {
            facts.put("gzip_members", tally.gzipMembers);
            facts.put("gzip_trailing_zero_bytes", tally.gzipTrailingZeroBytes);
        }
        StringBuilder notes = new StringBuilder()
                .append(format.id()).append(": ")
                .append(count(tally.entries, "entry", "entries")).append(" (")
                .append(count(tally.files, "file", "files")).append(", ")
                .append(count(tally.directories, "directory", "directories"));
        if (tally.symlinks > 0) {
            notes.append(", ").append(count(tally.symlinks, "symlink", "symlinks"));
        }
        if (tally.hardlinks > 0) {
            notes.append(", ").append(count(tally.hardlinks, "hard link", "hard links"));
        }
        if (tally.other > 0) {
            notes.append(", ").append(count(tally.other, "device or FIFO", "devices or FIFOs"));
        }
        notes.append("), ").append(size(tally.bytes)).append(" of content, ");
        if (format == BackupFormat.TAR_GZ) {
            notes.append(tally.gzipMembers == 1 ? "gzip CRC" : "gzip CRCs of " + tally.gzipMembers + " members")
                    .append(" and tar headers intact");
            if (tally.gzipTrailingZeroBytes > 0) {
                notes.append(" (").append(tally.gzipTrailingZeroBytes)
                        .append(" zero bytes of padding after the gzip stream ignored)");
            }
        } else {
            notes.append("tar headers intact");
        }
        return new StepResult(notes.toString(), facts);
    }

    private static String count(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    /** 1023 B, 1.2 KiB, 1.2 MiB, 3.4 GiB, ... */
    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    private static final class Tally {
        long entries;
        long files;
        long directories;
        long symlinks;
        long hardlinks;
        long other;
        long bytes;
        long unsafe;
        int gzipMembers;
        long gzipTrailingZeroBytes;
        final List<String> samples = new ArrayList<>();
        final List<String> unsafeExamples = new ArrayList<>();
        /** Symlinks seen so far, so that no later entry is written through one (bounded, see the constant). */
        final java.util.Set<String> symlinkNames = new java.util.HashSet<>();

        void add(TarArchiveEntry entry, long read) {
            entries++;
            bytes += read;
            if (entry.isDirectory()) {
                directories++;
            } else if (entry.isSymbolicLink()) {
                symlinks++;
            } else if (entry.isLink()) {
                hardlinks++;
            } else if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
                other++;
            } else {
                files++;
            }
            if (samples.size() < MAX_SAMPLES) {
                samples.add(EntryPaths.shown(entry.getName()));
            }
        }

        void unsafe(String description) {
            unsafe++;
            if (unsafeExamples.size() < MAX_UNSAFE) {
                unsafeExamples.add(description);
            }
        }
    }
}
