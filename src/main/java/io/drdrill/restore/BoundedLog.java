package io.drdrill.restore;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Drains one output stream of the recall script into a log file, keeping at most {@code limit} bytes so that a
 * chatty or hostile script cannot fill the disk; the rest is read and dropped so the script never blocks.
 *
 * <p>It reads only what the pipe already holds and never blocks in {@code read}: on Linux closing a pipe does not
 * wake a thread blocked reading it, so a process that escaped the kill and keeps the pipe open would pin the
 * reader (and the restore waiting for it). Once the script has exited, {@link #stop()} makes the reader take what
 * is left in the pipe and end; {@link #close()} ends it at once.
 */
final class BoundedLog implements Runnable {

    private static final long MAX_IDLE_SLEEP_MILLIS = 20;

    private final InputStream in;
    private final Path file;
    private final long limit;
    private volatile IOException failure;
    private volatile boolean stopping;
    private volatile boolean closed;

    BoundedLog(InputStream in, Path file, long limit) {
        this.in = in;
        this.file = file;
        this.limit = limit;
    }

    Thread start(String name) {
        Thread thread = new Thread(this, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    @Override
    public void run() {
        long written = 0;
        boolean truncated = false;
        byte[] buffer = new byte[8192];
        long idle = 1;
        try (InputStream source = in; OutputStream out = createWithoutFollowingLinks(file)) {
            while (!closed) {
                int available = source.available();
                if (available <= 0) {
                    if (stopping) {
                        break; // the script has exited and the pipe is drained
                    }
                    Thread.sleep(idle);
                    idle = Math.min(idle * 2, MAX_IDLE_SLEEP_MILLIS);
                    continue;
                }
                idle = 1;
                int n = source.read(buffer, 0, Math.min(available, buffer.length));
                if (n < 0) {
                    break;
                }
                int keep = (int) Math.max(0, Math.min(n, limit - written));
                out.write(buffer, 0, keep);
                written += keep;
                if (keep < n && !truncated) {
                    truncated = true;
                    out.write(("\n[log truncated at " + limit + " bytes]\n").getBytes(StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            if (!closed) {
                failure = e;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A fresh log file: whatever stood at the path (an older log, or a link planted there to redirect the write
     * onto an input) is removed, not followed, and the file is created anew without following links.
     */
    private static OutputStream createWithoutFollowingLinks(Path file) throws IOException {
        Files.deleteIfExists(file);
        return Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS);
    }

    /** The script has exited: take what the pipe still holds, then end. */
    void stop() {
        stopping = true;
    }

    /** End now, whatever the pipe still holds (a process that escaped keeps writing into it). */
    void close() {
        closed = true;
        try {
            in.close();
        } catch (IOException e) {
            // closing is all we wanted
        }
    }

    IOException failure() {
        return failure;
    }
}
