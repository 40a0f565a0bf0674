package io.drdrill.restore;

import io.drdrill.manifest.Manifest;
import io.drdrill.step.DrDrillError;
import io.drdrill.step.FileIdentity;
import io.drdrill.step.Progress;
import io.drdrill.step.RestoredReading;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code restore_artifact}: copies the backup into the restore folder and/or runs the recall script as
 * {@code script BACKUP PROVENANCE SBOM RESTORE_DIR}. The script runs with a scrubbed environment, its output goes
 * to bounded log files, and nothing it starts may outlive it: where the machine allows, it is PID 1 of a PID
 * namespace of its own, which the kernel empties when it exits, is killed on timeout, or the JVM dies (see
 * {@link RecallWrapper} and {@link Containment}); elsewhere its session, process group and descendants are killed.
 * The duration (the drill's RTO) ends when the script exits.
 */
public final class RestoreRunner {

    /** Folder, below the evidence folder, that holds the recall script's logs. */
    public static final String LOG_DIR = "restore";
    public static final String STDOUT_LOG = "recall-stdout.log";
    public static final String STDOUT_FACT = "restore_stdout_log";
    public static final String STDERR_FACT = "restore_stderr_log";
    public static final String STDERR_LOG = "recall-stderr.log";
    /** Fact naming the {@link Containment#label()} a recall script ran under. */
    public static final String CONTAINMENT_FACT = "restore_containment";
    static final String SAFE_PATH = "/usr/local/bin:/usr/bin:/bin";
    static final long LOG_LIMIT_BYTES = 10L << 20;
    private static final long COPY_SLICE_BYTES = 16L << 20;
    /** How long the log readers may take, once the script has exited, to drain what its pipes still hold. */
    static final long LOG_DRAIN_MILLIS = 3000;

    private final List<Path> allowedScriptDirs;
    private final Optional<RecallWrapper> wrapper;

    /** @param allowedScriptDirs folders a recall script must resolve into; empty means the manifest's folder */
    public RestoreRunner(List<Path> allowedScriptDirs) {
        this(allowedScriptDirs, Optional.empty());
    }

    /** With a given wrapper instead of the one detected for this machine (tests). */
    RestoreRunner(List<Path> allowedScriptDirs, RecallWrapper wrapper) {
        this(allowedScriptDirs, Optional.of(wrapper));
    }

    private RestoreRunner(List<Path> allowedScriptDirs, Optional<RecallWrapper> wrapper) {
        this.allowedScriptDirs = List.copyOf(allowedScriptDirs);
        this.wrapper = wrapper;
    }

    /** How this machine contains recall scripts (probed on first use, once per JVM). */
    public static Containment containment() {
        return RecallWrapper.detected().containment();
    }

    public RestoreResult restore(Manifest manifest, Path logDir) {
        return restore(manifest, logDir, Progress.NONE);
    }

    /** @param progress told how many bytes of the backup {@code copy_backup} has copied */
    public RestoreResult restore(Manifest manifest, Path logDir, Progress progress) {
        Manifest.Restore settings = manifest.restore();
        Path backup = manifest.backup().path();
        Path restored = settings.restoredFile(backup);
        if (restored.equals(backup)) {
            throw new DrDrillError("restore.output_dir is the backup's own folder: the restore would replace the backup");
        }
        Optional<Path> script = settings.script().map(s -> checkScript(s, manifest));
        long started = System.nanoTime();
        long copyEnded = started;
        Optional<RestoredReading> readBack = Optional.empty();
        try {
            Files.createDirectories(settings.outputDir());
            if (Files.isSameFile(settings.outputDir(), backup.toAbsolutePath().getParent())) {
                throw new DrDrillError("restore.output_dir " + settings.outputDir()
                        + " is the backup's own folder (through a link): the restore would replace the backup");
            }
            // A restored copy left by an earlier drill must never stand in for this one.
            Files.deleteIfExists(restored);
            if (settings.copyBackup()) {
                // a recall script runs on the copy and may change it: then the check reads it after the script
                Copied copied = copy(backup, restored, progress, script.isEmpty());
                copyEnded = copied.endedNanos();
                readBack = copied.readBack();
            }
        } catch (IOException e) {
            throw new DrDrillError("restore into " + settings.outputDir() + " failed: " + e, e);
        }
        Optional<Path> stdout = Optional.empty();
        Optional<Path> stderr = Optional.empty();
        Optional<Containment> containment = Optional.empty();
        long ended;
        if (script.isPresent()) {
            stdout = Optional.of(logDir.resolve(STDOUT_LOG));
            stderr = Optional.of(logDir.resolve(STDERR_LOG));
            RecallWrapper recall = wrapper.orElseGet(RecallWrapper::detected);
            containment = Optional.of(recall.containment());
            ended = runScript(script.get(), manifest, stdout.get(), stderr.get(), recall);
        } else {
            ended = settings.copyBackup() ? copyEnded : System.nanoTime();
        }
        double seconds = (ended - started) / 1e9;
        Map<String, Object> logs = new java.util.LinkedHashMap<>();
        stdout.ifPresent(log -> logs.put(STDOUT_FACT, log.toString()));
        stderr.ifPresent(log -> logs.put(STDERR_FACT, log.toString()));
        if (!Files.isRegularFile(restored)) {
            throw new DrDrillError("the restore did not produce " + restored, logs);
        }
        try {
            return new RestoreResult(restored, seconds, stdout, stderr, FileIdentity.of(restored), containment,
                    readBack);
        } catch (IOException e) {
            throw new DrDrillError("restored file " + restored + " cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Copies in the kernel ({@code transferTo}: no bytes pass through the JVM's heap) in slices, so that progress
     * can be told; the target is created anew and never through a link. With {@code readBack}, the restored file
     * is read back and hashed while it is written ({@link CopyReadBack}); the reading is kept only when the file
     * has the same identity after the copy's last write and after the read, and was read to its end.
     */
    static Copied copy(Path from, Path to, Progress progress, boolean readBack) throws IOException {
        String what = "copying " + from.getFileName();
        CopyReadBack reader = null;
        try {
            try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
                 FileChannel out = FileChannel.open(to, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                         LinkOption.NOFOLLOW_LINKS)) {
                reader = readBack ? readingBack(to) : null;
                long total = in.size();
                long done = 0;
                while (done < total) {
                    long moved = in.transferTo(done, Math.min(COPY_SLICE_BYTES, total - done), out);
                    if (moved <= 0 && in.size() <= done) {
                        break; // the backup shrank while it was copied: the restored digest will say so
                    }
                    done += Math.max(moved, 0);
                    if (reader != null) {
                        reader.written(done);
                    }
                    progress.bytes(what, done, total);
                }
            }
            long ended = System.nanoTime();
            if (reader == null) {
                return new Copied(ended, Optional.empty());
            }
            String written = FileIdentity.onThisMachine(to);
            Optional<CopyReadBack.Hashed> hashed = reader.finish();
            String read = FileIdentity.onThisMachine(to);
            long size = Files.size(to);
            return new Copied(ended, hashed.filter(h -> written.equals(read) && h.bytes() == size)
                    .map(h -> new RestoredReading(h.sha256(), h.bytes(), read)));
        } finally {
            if (reader != null) {
                reader.close();
            }
        }
    }

    private static CopyReadBack readingBack(Path to) {
        try {
            return CopyReadBack.start(to);
        } catch (IOException unreadable) {
            return null; // the check reads the restored copy itself
        }
    }

    /** When the copy's last write returned, and the restored file as read back, if it was. */
    record Copied(long endedNanos, Optional<RestoredReading> readBack) {
    }

    private Path checkScript(Path script, Manifest manifest) {
        return allowListed(script, "recall script", allowedScriptDirs, manifest);
    }

    /**
     * The real file an executable named by the manifest resolves to; it must lie in one of {@code allowedDirs}
     * (the manifest's folder when none are configured), be a regular file and be executable.
     *
     * @param what how errors name it, e.g. {@code recall script}
     */
    static Path allowListed(Path executable, String what, List<Path> allowedDirs, Manifest manifest) {
        Path real;
        try {
            real = executable.toRealPath();
        } catch (IOException e) {
            throw new DrDrillError(what + " " + executable + " does not exist");
        }
        List<Path> allowed = allowedDirs.isEmpty() ? List.of(manifest.source().getParent()) : allowedDirs;
        boolean inside = allowed.stream().map(RestoreRunner::realOrSelf).anyMatch(real::startsWith);
        if (!inside) {
            throw new DrDrillError(what + " " + executable + " is outside the allowed script folders " + allowed);
        }
        if (!Files.isRegularFile(real)) {
            throw new DrDrillError(what + " " + executable + " is not a regular file");
        }
        if (!Files.isExecutable(real)) {
            throw new DrDrillError(what + " " + executable + " is not executable (chmod +x)");
        }
        return real;
    }

    /** The post-restore checks, run with the same script folders and containment as the recall script. */
    public PostRestoreChecks checks() {
        return new PostRestoreChecks(allowedScriptDirs, wrapper);
    }

    private static Path realOrSelf(Path dir) {
        try {
            return dir.toRealPath();
        } catch (IOException e) {
            return dir.toAbsolutePath().normalize();
        }
    }

    /** @return when the script's process exited ({@link System#nanoTime()}): the end of the restore's own work */
    private long runScript(Path script, Manifest manifest, Path stdoutLog, Path stderrLog, RecallWrapper wrapper) {
        Manifest.Restore settings = manifest.restore();
        List<String> command = wrapper.command(List.of(script.toString(), manifest.backup().path().toString(),
                manifest.provenance().path().toString(), manifest.sbom().path().toString(),
                settings.outputDir().toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(settings.outputDir().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = builder.environment();
        env.clear();
        env.put("PATH", SAFE_PATH);
        env.put("LANG", "C.UTF-8");
        env.put("BACKUP_PATH", manifest.backup().path().toString());
        env.put("PROVENANCE_PATH", manifest.provenance().path().toString());
        env.put("SBOM_PATH", manifest.sbom().path().toString());
        env.put("RESTORE_DIR", settings.outputDir().toString());
        Map<String, Object> logs = Map.of(STDOUT_FACT, stdoutLog.toString(), STDERR_FACT, stderrLog.toString());

        // This thread starts the wrapper and waits for it: the wrapper's parent-death signal is tied to this
        // thread (see RecallWrapper), so it must not hand the process over to another thread.
        Process process;
        try {
            Files.createDirectories(stdoutLog.getParent());
            process = builder.start();
        } catch (IOException e) {
            throw new DrDrillError("recall script " + script + " could not be started: " + e.getMessage(), e);
        }
        BoundedLog out = new BoundedLog(process.getInputStream(), stdoutLog, LOG_LIMIT_BYTES);
        BoundedLog err = new BoundedLog(process.getErrorStream(), stderrLog, LOG_LIMIT_BYTES);
        Thread outThread = out.start("recall-stdout");
        Thread errThread = err.start("recall-stderr");
        boolean finished;
        long ended;
        try {
            finished = process.waitFor(settings.timeoutSeconds(), TimeUnit.SECONDS);
            // The restore's own work ends here, not after draining logs or killing leftovers.
            ended = System.nanoTime();
        } catch (InterruptedException e) {
            // kill with the interrupt flag clear, so that the kill can wait for the recall to be gone
            int killed = wrapper.kill(process);
            finishLogs(out, outThread, err, errThread);
            Thread.currentThread().interrupt();
            throw new DrDrillError("restore was interrupted; the recall script's process tree was killed ("
                    + killed + " process(es))", logs);
        } catch (RuntimeException | Error e) {
            wrapper.kill(process);
            throw e;
        }
        // Whatever the outcome, nothing the script started may outlive the step. In a PID namespace the kernel has
        // already seen to that when the script exited; this kills it on timeout.
        int killed = wrapper.kill(process);
        finishLogs(out, outThread, err, errThread);
        for (BoundedLog log : List.of(out, err)) {
            if (log.failure() != null) {
                throw new DrDrillError("the recall script's output could not be kept: " + log.failure().getMessage());
            }
        }
        if (!finished) {
            throw new DrDrillError("recall script timed out after " + settings.timeoutSeconds()
                    + "s; its process tree was killed (" + killed + " process(es))", logs);
        }
        int code = process.exitValue();
        if (code != 0) {
            String last = lastLine(stderrLog);
            throw new DrDrillError("recall script exited with code " + code
                    + (last.isEmpty() ? "" : ": " + last), logs);
        }
        return ended;
    }

    /**
     * The script has exited: the readers take what the pipes still hold and end. A reader still running after
     * {@link #LOG_DRAIN_MILLIS} (its pipe is held and fed by a process that escaped, outside a namespace) is closed.
     */
    static void finishLogs(BoundedLog out, Thread outThread, BoundedLog err, Thread errThread) {
        out.stop();
        err.stop();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LOG_DRAIN_MILLIS);
        join(outThread, deadline);
        join(errThread, deadline);
        if (outThread.isAlive()) {
            out.close();
        }
        if (errThread.isAlive()) {
            err.close();
        }
        long closing = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        join(outThread, closing);
        join(errThread, closing);
    }

    private static void join(Thread thread, long deadlineNanos) {
        long millis = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
        if (millis <= 0) {
            return;
        }
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (!lines.get(i).isBlank()) {
                    String line = lines.get(i).strip();
                    return line.length() <= 300 ? line : line.substring(0, 297) + "...";
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            return "";
        }
        return "";
    }
}
