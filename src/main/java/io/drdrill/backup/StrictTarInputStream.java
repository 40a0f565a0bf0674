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

    StrictTarInputStream(InputStream in) {
        super(in, BLOCK_SIZE, RECORD_SIZE, StandardCharsets.UTF_8.name(), false);
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
    static final class TarStructureException extends IOException {

        TarStructureException(String message) {
            super(message);
        }
    }
}
