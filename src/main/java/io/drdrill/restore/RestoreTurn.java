package io.drdrill.restore;

import io.drdrill.step.DrDrillError;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Restores into one {@code restore.output_dir} take turns. Two drills of one manifest at one site (two workers
 * on a host, a worker with {@code --max-tasks} above 1, two headless runs) share its output folder: one drill's
 * restore deleted the restored copy the other had just made, or replaced it before the other's digest check. A
 * turn is held from the restore to the check of the restored copy, by the threads of this JVM (a lock per folder)
 * and by other processes on the host (an exclusive lock on a file beside the folder, {@link #lockFileOf}). Waiting for a turn
 * is not part of the RTO, and an interrupt (a worker stopping) ends the wait.
 */
public final class RestoreTurn implements AutoCloseable {

    /** Held by the drill whose restore is under way; its content is never read. */
    public static final String LOCK_FILE = ".dr-drill-restore.lock";

    private static final ConcurrentMap<Path, ReentrantLock> IN_THIS_JVM = new ConcurrentHashMap<>();

    private ReentrantLock local;
    private FileChannel channel;
    private FileLock fileLock;

    /**
     * Waits for the turn of {@code outputDir} (created if missing); a second call while the turn is held does
     * nothing. A folder that is the backup's own is left alone: the restore refuses it before writing anything.
     */
    /**
     * The lock file of an output folder: beside it, not in it ({@code .restored.dr-drill-restore.lock} for
     * {@code restored/}), so the folder holds only what the recall puts there (a recall may remove and recreate it).
     */
    public static Path lockFileOf(Path folder) {
        Path parent = folder.getParent();
        return parent == null ? folder.resolve(LOCK_FILE) : parent.resolve("." + folder.getFileName() + LOCK_FILE);
    }

    public void take(Path outputDir, Path backup) {
        if (local != null) {
            return;
        }
        try {
            Path backupFolder = backup.toAbsolutePath().getParent();
            if (outputDir.toAbsolutePath().normalize().equals(backupFolder.normalize())
                    || (Files.isDirectory(outputDir) && Files.isSameFile(outputDir, backupFolder))) {
                return;
            }
            Files.createDirectories(outputDir);
            Path folder = outputDir.toRealPath();
            ReentrantLock lock = IN_THIS_JVM.computeIfAbsent(folder, f -> new ReentrantLock());
            lock.lockInterruptibly();
            local = lock;
            // never through a link planted at the lock file's path
            channel = FileChannel.open(lockFileOf(folder), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
            fileLock = channel.lock();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new DrDrillError("interrupted while waiting for another drill's restore into " + outputDir);
        } catch (IOException e) {
            close();
            throw new DrDrillError("cannot wait for other restores into " + outputDir + ": " + e, e);
        }
    }

    @Override
    public void close() {
        try {
            if (fileLock != null && fileLock.isValid()) {
                fileLock.release();
            }
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // closing the channel releases the lock in any case
        } finally {
            fileLock = null;
            channel = null;
            if (local != null && local.isHeldByCurrentThread()) {
                local.unlock();
            }
            local = null;
        }
    }
}
