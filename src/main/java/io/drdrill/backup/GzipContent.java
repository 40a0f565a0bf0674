package io.drdrill.backup;

import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The decompressed content of a gzip file, every member in turn (a gzip file may be several concatenated
 * members; {@code gzip -d} and {@code tar -xzf} read them all). Commons-compress checks each member's trailer:
 * CRC-32 and ISIZE. Whatever goes wrong below this stream is rethrown as a {@link GzipException} with a message
 * for the user, so that callers can tell gzip damage from tar damage.
 *
 * <p>After the last member: zero bytes (padding, which {@code gzip -t} ignores silently) are read, counted and
 * accepted; anything else fails as trailing data.
 */
final class GzipContent extends FilterInputStream {

    private final InputStream raw;
    private int membersStarted;
    private int membersEnded;
    private long trailingZeroBytes;

    /** @param raw the compressed file; must support mark/reset (e.g. a {@link java.io.BufferedInputStream}) */
    static GzipContent open(InputStream raw) throws GzipException {
        if (!raw.markSupported()) {
            throw new IllegalArgumentException("the compressed stream must support mark/reset");
        }
        GzipContent content = new GzipContent(raw);
        try {
            content.in = GzipCompressorInputStream.builder()
                    .setInputStream(raw)
                    .setDecompressConcatenated(true)
                    .setOnMemberStart(gz -> content.membersStarted++)
                    .setOnMemberEnd(gz -> content.memberEnded())
                    .get();
        } catch (IOException e) {
            throw content.translate(e);
        }
        return content;
    }

    private GzipContent(InputStream raw) {
        super(InputStream.nullInputStream());
        this.raw = raw;
    }

    /** Gzip members whose trailer (CRC-32 and size) was verified. */
    int members() {
        return membersEnded;
    }

    /** Zero bytes after the last member. */
    long trailingZeroBytes() {
        return trailingZeroBytes;
    }

    /**
     * Called right after a member's trailer was verified, before commons-compress looks for the next member: when
     * the next byte is 0, the rest of the file must be zero padding, which is consumed here so that the gzip
     * reader then sees a clean end of input.
     */
    private void memberEnded() throws IOException {
        membersEnded++;
        raw.mark(1);
        int next = raw.read();
        raw.reset();
        if (next != 0) {
            return; // end of input, the next member's magic bytes, or trailing data commons-compress refuses
        }
        byte[] buffer = new byte[8192];
        for (int n = raw.read(buffer); n >= 0; n = raw.read(buffer)) {
            for (int i = 0; i < n; i++) {
                if (buffer[i] != 0) {
                    throw new GzipException("unexpected data after the end of the gzip stream (non-zero bytes after "
                            + (trailingZeroBytes + i) + " zero bytes of padding)", null);
                }
            }
            trailingZeroBytes += n;
        }
    }

    @Override
    public int read() throws IOException {
        try {
            return in.read();
        } catch (IOException e) {
            throw translate(e);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return in.read(b, off, len);
        } catch (IOException e) {
            throw translate(e);
        }
    }

    @Override
    public long skip(long n) throws IOException {
        try {
            return in.skip(n);
        } catch (IOException e) {
            throw translate(e);
        }
    }

    @Override
    public int available() throws IOException {
        try {
            return in.available();
        } catch (IOException e) {
            throw translate(e);
        }
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private GzipException translate(IOException e) {
        if (e instanceof GzipException gzip) {
            return gzip;
        }
        String where = membersStarted > 1 ? " in gzip member " + membersStarted : "";
        String message = e.getMessage() == null ? "" : e.getMessage();
        String text;
        if (e instanceof EOFException) {
            // as gzip -t ("unexpected end of file"): a cut file, or damaged deflate data that overran the real end
            text = "truncated or corrupt: the gzip stream ends inside a member" + (membersStarted > 1 ? " (member "
                    + membersStarted + ")" : "") + ", before its CRC and size trailer";
        } else if (message.contains("CRC32")) {
            text = "gzip CRC mismatch" + where + " (corrupt data)";
        } else if (message.contains("uncompressed size mismatch")) {
            text = "gzip size mismatch" + where + ": the trailer's ISIZE is not the decompressed length (corrupt data)";
        } else if (message.contains("Unexpected data after a valid .gz stream")) {
            text = "unexpected data after the end of the gzip stream (trailing garbage after " + membersEnded
                    + " valid gzip member" + (membersEnded == 1 ? "" : "s") + ")";
        } else if (message.contains("not in the .gz format")) {
            text = "not gzip-compressed";
        } else if (e.getCause() != null && e.getCause().getMessage() != null) {
            text = "gzip data is corrupt" + where + " (invalid deflate data: " + e.getCause().getMessage() + ")";
        } else {
            text = "gzip data is corrupt" + where + ": " + (message.isEmpty() ? e.getClass().getSimpleName() : message);
        }
        return new GzipException(text, e);
    }

    /** Damage in the gzip layer, described for the user (without the file name). */
    static final class GzipException extends IOException {

        GzipException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
