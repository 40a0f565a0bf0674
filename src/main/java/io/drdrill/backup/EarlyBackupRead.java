package io.drdrill.backup;

import io.drdrill.manifest.BackupFormat;
import io.drdrill.step.BackupReading;
import io.drdrill.step.FileIdentity;
import io.drdrill.step.Progress;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The headless drill's first read of a large backup, started while its engine starts: on two cores the read
 * (digest and payload check, {@link BackupReader}) runs beside the start-up instead of after it.
 * {@code verify_backup_digest} takes the reading only while the backup is provably the file that was read (the
 * same real path and format, and the same identity on this machine, as {@code verify_backup_payload} checks);
 * otherwise, or when the early read failed, the step reads the backup itself, as it always does. Only regular
 * files of at least {@link #MIN_BYTES} are read early: a FIFO, a device or a small file never is. One JVM runs one
 * headless drill, so there is at most one early read; the server never starts one.
 */
public final class EarlyBackupRead {

    /** Below this the read is shorter than what starting it early costs the start-up. */
    public static final long MIN_BYTES = 32L << 20;

    private static final AtomicReference<Pending> PENDING = new AtomicReference<>();

    private EarlyBackupRead() {
    }

    /** Starts reading {@code backup} as {@code format} on a thread of its own, if it is a large regular file. */
    public static void start(Path backup, BackupFormat format) {
        Path real;
        try {
            if (!Files.isRegularFile(backup) || Files.size(backup) < MIN_BYTES) {
                return;
            }
            real = backup.toRealPath();
        } catch (IOException | SecurityException e) {
            return; // the step reads it, and says what is wrong with it
        }
        CompletableFuture<BackupReading> reading = new CompletableFuture<>();
        Tracked tracked = new Tracked();
        if (!PENDING.compareAndSet(null, new Pending(real, format, reading, tracked))) {
            return;
        }
        Thread reader = new Thread(() -> {
            try {
                reading.complete(new BackupReader(new BackupPayloadCheck()).read(real, format, tracked));
            } catch (RuntimeException | Error e) {
                reading.completeExceptionally(e);
            }
        }, "dr-drill-early-backup-read");
        reader.setDaemon(true);
        reader.start();
    }

    static Optional<BackupReading> take(Path backup, BackupFormat format) {
        return take(backup, format, Progress.NONE);
    }

    /**
     * The early reading of {@code backup} as {@code format}, once it is complete, while the backup still is the
     * file that was read; empty when none was started for it, it failed, or the file changed since. While it is
     * not complete, {@code progress} is told how much of what was left when the step began has been read since.
     */
    static Optional<BackupReading> take(Path backup, BackupFormat format, Progress progress) {
        Pending pending = PENDING.getAndSet(null);
        if (pending == null || pending.format() != format) {
            return Optional.empty();
        }
        try {
            if (!pending.real().equals(backup.toRealPath())) {
                return Optional.empty();
            }
            BackupReading reading = waitFor(pending, progress);
            boolean same = reading.machine().equals(FileIdentity.machine())
                    && reading.identity().equals(FileIdentity.of(pending.real()));
            return same ? Optional.of(reading) : Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException | IOException e) {
            return Optional.empty();
        }
    }

    private static BackupReading waitFor(Pending pending, Progress progress)
            throws InterruptedException, ExecutionException {
        long from = pending.tracked().done;
        while (true) {
            try {
                return pending.reading().get(100, TimeUnit.MILLISECONDS);
            } catch (TimeoutException reading) {
                Tracked tracked = pending.tracked();
                if (tracked.what != null) {
                    progress.bytes(tracked.what + ", the rest of the read begun at start-up", tracked.done - from,
                            tracked.total - from);
                }
            }
        }
    }

    private record Pending(Path real, BackupFormat format, CompletableFuture<BackupReading> reading,
                           Tracked tracked) {
    }

    /** How far the early read has got, for a step that waits for it. */
    private static final class Tracked implements Progress {
        private volatile String what;
        private volatile long done;
        private volatile long total;

        @Override
        public void bytes(String what, long done, long total) {
            this.total = total;
            this.done = done;
            this.what = what;
        }
    }
}
