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
        if (!PENDING.compareAndSet(null, new Pending(real, format, reading))) {
            return;
        }
        Thread reader = new Thread(() -> {
            try {
                reading.complete(new BackupReader(new BackupPayloadCheck()).read(real, format, Progress.NONE));
            } catch (RuntimeException | Error e) {
                reading.completeExceptionally(e);
            }
        }, "dr-drill-early-backup-read");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * The early reading of {@code backup} as {@code format}, once it is complete, while the backup still is the
     * file that was read; empty when none was started for it, it failed, or the file changed since.
     */
    static Optional<BackupReading> take(Path backup, BackupFormat format) {
        Pending pending = PENDING.getAndSet(null);
        if (pending == null || pending.format() != format) {
            return Optional.empty();
        }
        try {
            if (!pending.real().equals(backup.toRealPath())) {
                return Optional.empty();
            }
            BackupReading reading = pending.reading().get();
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

    private record Pending(Path real, BackupFormat format, CompletableFuture<BackupReading> reading) {
    }
}
