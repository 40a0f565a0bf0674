package io.drdrill.backup;

import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarUtils;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A {@link TarArchiveInputStream} that refuses what commons-compress 1.28 silently accepts. Commons-compress
 * parses a header whose checksum is wrong (it only sets {@code isCheckSumOK()} on the entry, and never for the
 * PAX and GNU long-name headers it consumes itself), and ends the archive without complaint when the input stops
 * in the middle of a header, without the end-of-archive marker, after a single zero record, or at a "lone zero
 * block" followed by more entries. Every record read at a header position passes through {@link #readRecord()},
 * so this class checks them there:
 * <ul>
 *   <li>every non-zero header record must carry a valid tar checksum;</li>
 *   <li>a partial record means the archive is truncated;</li>
 *   <li>a zero record must be followed by a second one (the end-of-archive marker is two zero records);</li>
 *   <li>metadata headers (PAX, GNU long names) larger than {@value #MAX_METADATA_BYTES} bytes are refused, since
 *       commons-compress reads them into memory.</li>
 * </ul>
 * Failures are {@link TarStructureException}s whose message is ready for the user (without the file name).
 */
final class StrictTarInputStream extends TarArchiveInputStream {

    static final int RECORD_SIZE = 512;
    static final int BLOCK_SIZE = 10240;
    static final long MAX_METADATA_BYTES = 1024 * 1024;

    private static final int TYPEFLAG_OFFSET = 156;
    private static final int SIZE_OFFSET = 124;
    private static final int SIZE_LENGTH = 12;
    /** Old GNU sparse header ('S'): "isextended" byte after four 24-byte sparse structs at offset 386. */
    private static final int OLD_GNU_SPARSE_EXTENDED_OFFSET = 482;
    /** Old GNU sparse extension record: "isextended" byte after twenty-one 24-byte sparse structs. */
    private static final int SPARSE_EXTENSION_EXTENDED_OFFSET = 504;

    private int zeroRecords;
    private long firstZeroRecordAt = -1;
    private boolean inputEnded;
    private boolean sparseExtensionExpected;
    private long lastHeaderAt = -1;
    private boolean inPaxHeader;
    /**
     * A PAX 1.0 sparse map sits at the start of the entry's data and the library reads all of it into memory:
     * after a PAX header announcing one, at most {@value #MAX_SPARSE_MAP_BYTES} bytes may pass until the entry's
     * content is read.
     */
    private static final String PAX_SPARSE_1 = "GNU.sparse.major=1";
    /** About 5,000 fragments: more would exhaust memory or the stack inside the library. */
    static final long MAX_SPARSE_MAP_BYTES = 64 * 1024;

    private final SparseMapGuard sparseMapGuard;

    StrictTarInputStream(InputStream in) {
        this(new SparseMapGuard(in));
    }

    private StrictTarInputStream(SparseMapGuard guard) {
        super(guard, BLOCK_SIZE, RECORD_SIZE, StandardCharsets.UTF_8.name(), false);
        this.sparseMapGuard = guard;
    }

    @Override
    protected byte[] readRecord() throws IOException {
        long at = getBytesRead();
        byte[] record = super.readRecord();
        long got = getBytesRead() - at;
        if (record == null) {
            if (got == 0) {
                inputEnded = true;
                return null;
            }
            if (zeroRecords > 0) {
                throw new TarStructureException("truncated: the end-of-archive marker at byte " + firstZeroRecordAt
                        + " is incomplete (the archive ends " + got + " bytes into its second zero record)");
            }
            if (at == 0) {
                throw new TarStructureException("not a tar archive: only " + got
                        + " bytes of content, a tar header alone needs 512");
            }
            throw new TarStructureException("truncated: the archive ends inside the tar header at byte " + at
                    + ", only " + got + " of its 512 bytes are there");
        }
        if (sparseExtensionExpected) {
            // GNU sparse extension records carry no checksum of their own
            sparseExtensionExpected = record[SPARSE_EXTENSION_EXTENDED_OFFSET] != 0;
            return record;
        }
        if (isZero(record)) {
            if (zeroRecords++ == 0) {
                firstZeroRecordAt = at;
            }
            return record;
        }
        if (zeroRecords > 0) {
            throw new TarStructureException("a lone zero record at byte " + firstZeroRecordAt
                    + " is followed by more headers: tar stops reading there and silently skips the rest");
        }
        if (!checksumOk(record)) {
            throw new TarStructureException(at == 0
                    ? "not a tar archive: the first 512-byte record is not a tar header (checksum mismatch)"
                    : "corrupt tar header at byte " + at + ": checksum mismatch");
        }
        lastHeaderAt = at;
        byte type = record[TYPEFLAG_OFFSET];
        inPaxHeader = type == 'x' || type == 'g' || type == 'X';
        sparseMapGuard.watch(inPaxHeader, at);
        if (type == 'S' && record[OLD_GNU_SPARSE_EXTENDED_OFFSET] != 0) {
            sparseExtensionExpected = true;
        }
        if (type == 'x' || type == 'g' || type == 'X' || type == 'L' || type == 'K') {
            long size = declaredSize(record, at);
            if (size > MAX_METADATA_BYTES) {
                throw new TarStructureException("tar metadata header at byte " + at + " (type '" + (char) type
                        + "') declares " + size + " bytes, more than the " + MAX_METADATA_BYTES
                        + " this check will hold in memory");
            }
        }
        return record;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (!inPaxHeader) {
            sparseMapGuard.disarm();
        }
        return super.read(buffer, offset, length);
    }

    /** Whether a 512-byte record carries a valid tar header checksum (a non-octal checksum field is invalid). */
    static boolean checksumOk(byte[] record) {
        try {
            return TarUtils.verifyCheckSum(record);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static long declaredSize(byte[] record, long at) throws TarStructureException {
        try {
            return TarUtils.parseOctalOrBinary(record, SIZE_OFFSET, SIZE_LENGTH);
        } catch (IllegalArgumentException e) {
            throw new TarStructureException("invalid tar header at byte " + at + ": size field: " + e.getMessage());
        }
    }

    private static boolean isZero(byte[] record) {
        for (byte b : record) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /** Both zero records of the end-of-archive marker were read. */
    boolean endMarkerComplete() {
        return zeroRecords >= 2;
    }

    /** Zero records read so far (0, 1 or 2). */
    int zeroRecords() {
        return zeroRecords;
    }

    /** Where the end-of-archive marker starts, or -1 when none was read. */
    long endMarkerAt() {
        return firstZeroRecordAt;
    }

    /** The input ended where a header record was expected. */
    boolean inputEnded() {
        return inputEnded;
    }

    /** Offset of the last header record that passed the checksum, or -1. */
    long lastHeaderAt() {
        return lastHeaderAt;
    }

    /** A structural problem of the tar stream, described for the user. */
    /**
     * Sits under the library: watches PAX header data for a 1.0 sparse announcement, then counts what passes until
     * the entry's content is read, and refuses past the cap.
     */
    private static final class SparseMapGuard extends java.io.FilterInputStream {
        private boolean watching;
        private long watchedHeader;
        private final StringBuilder window = new StringBuilder();
        private long armedAt = -1;
        private long passed;

        SparseMapGuard(InputStream in) {
            super(in);
        }

        void watch(boolean paxHeader, long header) {
            watching = paxHeader;
            watchedHeader = header;
            window.setLength(0);
        }

        void disarm() {
            armedAt = -1;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                see(new byte[]{(byte) b}, 0, 1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                see(buffer, offset, n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count(skipped);
            return skipped;
        }

        private void see(byte[] buffer, int offset, int n) throws TarStructureException {
            if (watching) {
                for (int i = offset; i < offset + n; i++) {
                    window.append((char) (buffer[i] & 0xff));
                }
                if (window.indexOf(PAX_SPARSE_1) >= 0 && armedAt < 0) {
                    armedAt = watchedHeader;
                    passed = 0;
                }
                if (window.length() > PAX_SPARSE_1.length()) {
                    window.delete(0, window.length() - PAX_SPARSE_1.length());
                }
            }
            count(n);
        }

        private void count(long bytes) throws TarStructureException {
            if (armedAt >= 0) {
                passed += bytes;
                if (passed > MAX_SPARSE_MAP_BYTES + 2L * RECORD_SIZE) {
                    throw new TarStructureException("the PAX 1.0 sparse map announced at byte " + armedAt
                            + " is larger than the " + MAX_SPARSE_MAP_BYTES + " bytes this check will read "
                            + "(the tar library holds the map in memory and walks it recursively)");
                }
            }
        }
    }

    static final class TarStructureException extends IOException {

        TarStructureException(String message) {
            super(message);
        }
    }
}
