package io.drdrill.restore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Reads the restored copy back while {@code copy_backup} writes it, on a thread of its own, so that the copy's
 * digest is known when the copy ends instead of one more full read later: the copy runs in the kernel on one core
 * while this hashes, on the other, the bytes the restored file already holds. It reads the restored file, never
 * the backup, and only up to what the copy has written; the caller compares the count with the file's size.
 * Any failure (a read error, the copy failing) only means there is no digest: the check reads the file itself.
 */
final class CopyReadBack implements AutoCloseable {

    private static final int BUFFER = 1 << 20;

    private final FileChannel channel;
    private final MessageDigest digest;
    private final Thread thread;
    private long written;
    private boolean finished;
    private boolean cancelled;
    private long hashed;
    private boolean complete;

    private CopyReadBack(Path restored) throws IOException {
        channel = FileChannel.open(restored, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            channel.close();
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
        thread = new Thread(this::readBack, "dr-drill-restored-read-back");
        thread.setDaemon(true);
    }

    /** Starts reading {@code restored}, which the copy has just created. */
    static CopyReadBack start(Path restored) throws IOException {
        CopyReadBack readBack = new CopyReadBack(restored);
        readBack.thread.start();
        return readBack;
    }

    /** The copy has written the restored file up to {@code bytes}. */
    synchronized void written(long bytes) {
        written = bytes;
        notifyAll();
    }

    /**
     * The copy is complete: reads what is left of what it wrote.
     *
     * @return the SHA-256 (hex) of the bytes read from the file, and how many, unless the read failed
     */
    Optional<Hashed> finish() {
        synchronized (this) {
            finished = true;
            notifyAll();
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            return Optional.empty();
        }
        synchronized (this) {
            return complete ? Optional.of(new Hashed(HexFormat.of().formatHex(digest.digest()), hashed))
                    : Optional.empty();
        }
    }

    /** Stops the read (the copy failed) and waits for its thread; idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            cancelled = true;
            notifyAll();
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // a read-only channel: nothing was written through it
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void readBack() {
        ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
        long position = 0;
        boolean stalled = false; // the file ended below what the copy said it wrote: wait for the copy's end
        try {
            while (true) {
                long limit;
                boolean last;
                synchronized (this) {
                    while (!cancelled && !finished && (stalled || written <= position)) {
                        wait();
                    }
                    if (cancelled) {
                        return;
                    }
                    last = finished;
                    limit = written; // never beyond what the copy wrote: a file growing meanwhile cannot hold it
                }
                while (position < limit) {
                    buffer.clear().limit((int) Math.min(BUFFER, limit - position));
                    int n = channel.read(buffer, position);
                    if (n < 0) {
                        stalled = true;
                        break;
                    }
                    digest.update(buffer.array(), 0, n);
                    position += n;
                }
                if (last) {
                    synchronized (this) {
                        hashed = position;
                        complete = true;
                    }
                    return;
                }
            }
        } catch (IOException | InterruptedException unreadable) {
            // no digest: the restored copy is read again by the check
        }
    }

    /** The digest of the restored file's bytes and how many there were. */
    record Hashed(String sha256, long bytes) {
    }
}
