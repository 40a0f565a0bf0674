package io.drdrill.restore;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Drains one output stream of the recall script into a log file, keeping at most {@code limit} bytes so that a
 * chatty or hostile script cannot fill the disk; the rest is read and dropped so the script never blocks.
 */
final class BoundedLog implements Runnable {

    private final InputStream in;
    private final Path file;
    private final long limit;
    private volatile IOException failure;

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
        try (InputStream source = in; OutputStream out = Files.newOutputStream(file)) {
            for (int n = source.read(buffer); n >= 0; n = source.read(buffer)) {
                int keep = (int) Math.max(0, Math.min(n, limit - written));
                out.write(buffer, 0, keep);
                written += keep;
                if (keep < n && !truncated) {
                    truncated = true;
                    out.write(("\n[log truncated at " + limit + " bytes]\n").getBytes(StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            failure = e;
        }
    }

    IOException failure() {
        return failure;
    }
}
