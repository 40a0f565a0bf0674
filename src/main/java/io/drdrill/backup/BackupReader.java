package io.drdrill.backup;

import io.drdrill.manifest.BackupFormat;
import io.drdrill.step.BackupReading;
import io.drdrill.step.DrDrillError;
import io.drdrill.step.FileIdentity;
import io.drdrill.step.Progress;
import io.drdrill.step.StepResult;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads the backup once and gets two answers from the same bytes: its SHA-256 and the payload check of its format
 * ({@link BackupPayloadCheck#check}). Reading a large backup twice costs a second pass over the disk or the page
 * cache and, worse, the hash and the parser then run one after the other; here, on a machine with more than one
 * core, the reading thread hashes while a second thread parses, the two joined by a pipe of {@value #CHUNKS}
 * buffers of {@value #CHUNK} bytes: memory is fixed whatever the backup's size, and a parser that falls behind
 * holds the reader back. On one core both run on the calling thread, the parser reading through the hash.
 *
 * <p>The file's identity ({@link FileIdentity}) is taken before and after the read: a backup that changed while it
 * was read fails, so the identity recorded is that of the bytes hashed and parsed.
 */
public final class BackupReader {

    static final int CHUNK = 1 << 18;
    static final int CHUNKS = 4;

    private final BackupPayloadCheck payload;
    private final boolean parallel;

    public BackupReader(BackupPayloadCheck payload) {
        this(payload, Runtime.getRuntime().availableProcessors() > 1);
    }

    /** @param parallel parse on a thread of its own (else on the caller's, through the hash) */
    BackupReader(BackupPayloadCheck payload, boolean parallel) {
        this.payload = payload;
        this.parallel = parallel;
    }

    /**
     * Reads {@code backup} once: its digest, its payload outcome for {@code format}, its identity.
     *
     * @throws DrDrillError when the backup is missing, cannot be read or changed while it was read; what the
     *                      payload check finds is in the reading, not thrown
     */
    public BackupReading read(Path backup, BackupFormat format, Progress progress) {
        if (!Files.isRegularFile(backup)) {
            throw new DrDrillError("backup " + backup + " does not exist or is not a regular file");
        }
        String before;
        long size;
        try {
            before = FileIdentity.of(backup);
            size = Files.size(backup);
        } catch (IOException e) {
            throw unreadable(backup, e);
        }
        MessageDigest digest = sha256();
        Hashing hashing = new Hashing(digest, progress, "hashing " + backup.getFileName(), size);
        Outcome outcome;
        try {
            outcome = format == BackupFormat.RAW ? raw(backup, hashing)
                    : parallel ? inParallel(backup, format, hashing) : inLine(backup, format, hashing);
        } catch (IOException e) {
            throw unreadable(backup, e);
        }
        String after;
        try {
            after = FileIdentity.of(backup);
        } catch (IOException e) {
            throw unreadable(backup, e);
        }
        if (!before.equals(after) || hashing.done != size) {
            throw new DrDrillError("backup " + backup + " changed while it was read ("
                    + FileIdentity.change(before, after) + "; " + hashing.done + " bytes read of " + size + ")");
        }
        return new BackupReading(HexFormat.of().formatHex(digest.digest()), hashing.done, after,
                FileIdentity.machine(), FileIdentity.host(), format.id(), outcome.notes, outcome.facts,
                outcome.passed);
    }

    private static DrDrillError unreadable(Path backup, IOException e) {
        return new DrDrillError("backup " + backup + " cannot be read: " + e.getMessage(), e);
    }

    // ---------------------------------------------------------------- the three ways

    private Outcome raw(Path backup, Hashing hashing) throws IOException {
        try (InputStream in = Files.newInputStream(backup)) {
            byte[] buffer = new byte[CHUNK];
            for (int n = in.readNBytes(buffer, 0, CHUNK); n > 0; n = in.readNBytes(buffer, 0, CHUNK)) {
                hashing.update(buffer, n);
            }
        }
        return Outcome.of(payload.check(InputStream.nullInputStream(), backup, BackupFormat.RAW));
    }

    /** One thread: the parser reads through a stream that hashes; what it leaves unread is hashed after it. */
    private Outcome inLine(Path backup, BackupFormat format, Hashing hashing) throws IOException {
        try (InputStream file = Files.newInputStream(backup)) {
            HashingStream in = new HashingStream(file, hashing);
            Outcome outcome = check(in, backup, format);
            in.drain();
            return outcome;
        }
    }

    /** Two threads: this one reads and hashes, a second one parses what it is handed through the pipe. */
    private Outcome inParallel(Path backup, BackupFormat format, Hashing hashing) throws IOException {
        Pipe pipe = new Pipe(CHUNKS, CHUNK);
        Outcome[] outcome = new Outcome[1];
        Throwable[] fatal = new Throwable[1];
        Thread checker = new Thread(() -> {
            try (pipe) {
                outcome[0] = check(pipe, backup, format);
            } catch (Throwable e) {
                fatal[0] = e;
            }
        }, "backup-payload-check");
        checker.setDaemon(true);
        checker.start();
        IOException failure = null;
        try (InputStream in = Files.newInputStream(backup)) {
            byte[] own = null;
            while (true) {
                byte[] buffer = pipe.free();
                if (buffer == null) {
                    // the check has finished early (damage found): the rest is only hashed
                    buffer = own == null ? own = new byte[CHUNK] : own;
                }
                int n = in.readNBytes(buffer, 0, CHUNK);
                if (n == 0) {
                    break;
                }
                hashing.update(buffer, n);
                if (buffer != own) {
                    pipe.hand(buffer, n);
                }
            }
        } catch (IOException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = new InterruptedIOException("interrupted while reading the backup");
        } finally {
            pipe.end(failure);
        }
        try {
            checker.join();
        } catch (InterruptedException e) {
            checker.interrupt();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the payload was checked");
        }
        if (failure != null) {
            throw failure;
        }
        if (fatal[0] instanceof Error error) {
            throw error;
        }
        if (fatal[0] != null) {
            throw new IllegalStateException("payload check ended unexpectedly", fatal[0]);
        }
        return outcome[0];
    }

    /** The payload check's verdict, with what a step would say of a technical failure. */
    private Outcome check(InputStream in, Path backup, BackupFormat format) {
        try {
            return Outcome.of(payload.check(in, backup, format));
        } catch (DrDrillError damage) {
            return new Outcome(false, damage.getMessage(), damage.facts());
        } catch (RuntimeException technical) {
            return new Outcome(false, "technical failure: " + technical.getClass().getName() + ": "
                    + technical.getMessage(), Map.of());
        }
    }

    private record Outcome(boolean passed, String notes, Map<String, Object> facts) {
        static Outcome of(StepResult result) {
            return new Outcome(true, result.notes(), result.facts());
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    // ---------------------------------------------------------------- the plumbing

    /** The digest and the count of bytes read, told to the progress as they grow. */
    private static final class Hashing {
        private final MessageDigest digest;
        private final Progress progress;
        private final String what;
        private final long total;
        private long done;

        Hashing(MessageDigest digest, Progress progress, String what, long total) {
            this.digest = digest;
            this.progress = progress;
            this.what = what;
            this.total = total;
        }

        void update(byte[] bytes, int length) {
            update(bytes, 0, length);
        }

        void update(byte[] bytes, int offset, int length) {
            digest.update(bytes, offset, length);
            done += length;
            progress.bytes(what, done, total);
        }
    }

    /**
     * The file as the parser reads it on the one-thread path, every byte hashed on its way. A failure of the file
     * itself is remembered, so that it fails the read (the digest step), never the payload check.
     */
    private static final class HashingStream extends FilterInputStream {
        private final Hashing hashing;
        private IOException failure;

        HashingStream(InputStream in, Hashing hashing) {
            super(in);
            this.hashing = hashing;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n;
            try {
                n = in.read(buffer, offset, length);
            } catch (IOException e) {
                failure = e;
                throw e;
            }
            if (n > 0) {
                hashing.update(buffer, offset, n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            // skipped bytes must be hashed too
            byte[] buffer = new byte[(int) Math.min(Math.max(n, 0), 8192)];
            long skipped = 0;
            while (skipped < n) {
                int got = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
                if (got < 0) {
                    break;
                }
                skipped += got;
            }
            return skipped;
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        /** A parser that closes its input when done must not close the file: what it left unread is hashed. */
        @Override
        public void close() {
        }

        /** Hashes what the parser left unread; a failure of the file during the parse is thrown here. */
        void drain() throws IOException {
            if (failure != null) {
                throw failure;
            }
            byte[] buffer = new byte[CHUNK];
            while (read(buffer, 0, buffer.length) >= 0) {
                // hashed by read
            }
        }
    }

    /**
     * Chunks handed from the reading thread to the parsing thread: a fixed set of buffers goes round, so memory is
     * bounded and a slow parser holds the reader back. The parser's side is an {@link InputStream}; closing it
     * tells the reader that the rest needs hashing only.
     */
    static final class Pipe extends InputStream {
        private static final Chunk END = new Chunk(new byte[0], 0);

        private final BlockingQueue<byte[]> free;
        private final BlockingQueue<Chunk> full;
        private volatile boolean closed;
        private volatile IOException failure;
        private Chunk current;
        private int position;

        Pipe(int chunks, int size) {
            free = new ArrayBlockingQueue<>(chunks);
            full = new ArrayBlockingQueue<>(chunks + 1);
            for (int i = 0; i < chunks; i++) {
                free.add(new byte[size]);
            }
        }

        // the reader's side

        /** A buffer to fill, once the parser has given one back; null when the parser stopped reading. */
        byte[] free() throws InterruptedException {
            while (!closed) {
                byte[] buffer = free.poll(50, TimeUnit.MILLISECONDS);
                if (buffer != null) {
                    return buffer;
                }
            }
            return null;
        }

        void hand(byte[] buffer, int length) {
            if (!closed) {
                full.add(new Chunk(buffer, length));
            }
        }

        /** No more chunks; {@code failure}, when not null, is what the parser sees instead of the end. */
        void end(IOException failure) {
            this.failure = failure;
            full.add(END);
        }

        // the parser's side

        @Override
        public int read() throws IOException {
            if (!fill()) {
                return -1;
            }
            return current.buffer[position++] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(length, current.length - position);
            System.arraycopy(current.buffer, position, buffer, offset, n);
            position += n;
            return n;
        }

        private boolean fill() throws IOException {
            if (current != null && position < current.length) {
                return true;
            }
            if (current == END) {
                return endOrFailure();
            }
            if (current != null) {
                free.offer(current.buffer);
            }
            try {
                current = full.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for the backup's bytes");
            }
            position = 0;
            return current != END || endOrFailure();
        }

        private boolean endOrFailure() throws IOException {
            if (failure != null) {
                throw new IOException(failure.getMessage(), failure);
            }
            return false;
        }

        @Override
        public void close() {
            closed = true;
            if (current != null && current != END) {
                free.offer(current.buffer);
            }
            current = END;
            for (Chunk chunk = full.poll(); chunk != null; chunk = full.poll()) {
                if (chunk != END) {
                    free.offer(chunk.buffer);
                }
            }
        }

        private record Chunk(byte[] buffer, int length) {
        }
    }
}
