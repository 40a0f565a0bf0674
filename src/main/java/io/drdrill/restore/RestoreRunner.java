package io.drdrill.restore;

import io.drdrill.drill.DrDrillError;
import io.drdrill.manifest.Manifest;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code restore_artifact}: copies the backup into the restore folder and/or runs the recall script as
 * {@code script BACKUP PROVENANCE SBOM RESTORE_DIR}. The script runs in a session of its own with a scrubbed
 * environment, its output goes to bounded log files, and on timeout its whole process tree is killed.
 */
public final class RestoreRunner {

    /** Folder, below the evidence folder, that holds the recall script's logs. */
    public static final String LOG_DIR = "restore";
    public static final String STDOUT_LOG = "recall-stdout.log";
    public static final String STDOUT_FACT = "restore_stdout_log";
    public static final String STDERR_FACT = "restore_stderr_log";
    public static final String STDERR_LOG = "recall-stderr.log";
    static final String SAFE_PATH = "/usr/local/bin:/usr/bin:/bin";
    static final long LOG_LIMIT_BYTES = 10L << 20;
    private static final Path SETSID = Path.of("/usr/bin/setsid");

    private final List<Path> allowedScriptDirs;

    /** @param allowedScriptDirs folders a recall script must resolve into; empty means the manifest's folder */
    public RestoreRunner(List<Path> allowedScriptDirs) {
        this.allowedScriptDirs = List.copyOf(allowedScriptDirs);
    }

    public RestoreResult restore(Manifest manifest, Path logDir) {
        Manifest.Restore settings = manifest.restore();
        Path backup = manifest.backup().path();
        Path restored = settings.restoredFile(backup);
        if (restored.equals(backup)) {
            throw new DrDrillError("restore.output_dir is the backup's own folder: the restore would replace the backup");
        }
        Optional<Path> script = settings.script().map(s -> checkScript(s, manifest));
        long started = System.nanoTime();
        try {
            Files.createDirectories(settings.outputDir());
            if (Files.isSameFile(settings.outputDir(), backup.toAbsolutePath().getParent())) {
                throw new DrDrillError("restore.output_dir " + settings.outputDir()
                        + " is the backup's own folder (through a link): the restore would replace the backup");
            }
            // A restored copy left by an earlier drill must never stand in for this one.
            Files.deleteIfExists(restored);
            if (settings.copyBackup()) {
                Files.copy(backup, restored, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new DrDrillError("restore into " + settings.outputDir() + " failed: " + e, e);
        }
        Optional<Path> stdout = Optional.empty();
        Optional<Path> stderr = Optional.empty();
        if (script.isPresent()) {
            stdout = Optional.of(logDir.resolve(STDOUT_LOG));
            stderr = Optional.of(logDir.resolve(STDERR_LOG));
            runScript(script.get(), manifest, stdout.get(), stderr.get());
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        Map<String, Object> logs = new java.util.LinkedHashMap<>();
        stdout.ifPresent(log -> logs.put(STDOUT_FACT, log.toString()));
        stderr.ifPresent(log -> logs.put(STDERR_FACT, log.toString()));
        if (!Files.isRegularFile(restored)) {
            throw new DrDrillError("the restore did not produce " + restored, logs);
        }
        try {
            return new RestoreResult(restored, seconds, stdout, stderr, FileIdentity.of(restored));
        } catch (IOException e) {
            throw new DrDrillError("restored file " + restored + " cannot be read: " + e.getMessage(), e);
        }
    }

    private Path checkScript(Path script, Manifest manifest) {
        Path real;
        try {
            real = script.toRealPath();
        } catch (IOException e) {
            throw new DrDrillError("recall script " + script + " does not exist");
        }
        List<Path> allowed = allowedScriptDirs.isEmpty() ? List.of(manifest.source().getParent()) : allowedScriptDirs;
        boolean inside = allowed.stream().map(RestoreRunner::realOrSelf).anyMatch(real::startsWith);
        if (!inside) {
            throw new DrDrillError("recall script " + script + " is outside the allowed script folders " + allowed);
        }
        if (!Files.isRegularFile(real)) {
            throw new DrDrillError("recall script " + script + " is not a regular file");
        }
        if (!Files.isExecutable(real)) {
            throw new DrDrillError("recall script " + script + " is not executable (chmod +x)");
        }
        return real;
    }

    private static Path realOrSelf(Path dir) {
        try {
            return dir.toRealPath();
        } catch (IOException e) {
            return dir.toAbsolutePath().normalize();
        }
    }

    private static void runScript(Path script, Manifest manifest, Path stdoutLog, Path stderrLog) {
        Manifest.Restore settings = manifest.restore();
        List<String> command = new ArrayList<>();
        boolean ownSession = Files.isExecutable(SETSID);
        if (ownSession) {
            command.add(SETSID.toString());
        }
        command.addAll(List.of(script.toString(), manifest.backup().path().toString(),
                manifest.provenance().path().toString(), manifest.sbom().path().toString(), settings.outputDir().toString()));
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
        try {
            finished = process.waitFor(settings.timeoutSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ProcessTree.kill(process, ownSession);
            throw new DrDrillError("restore was interrupted; recall script killed",
                    Map.of(STDOUT_FACT, stdoutLog.toString(), STDERR_FACT, stderrLog.toString()));
        }
        // Whatever the outcome, nothing the script started may outlive the step.
        int killed = ProcessTree.kill(process, ownSession);
        join(outThread);
        join(errThread);
        for (BoundedLog log : List.of(out, err)) {
            if (log.failure() != null) {
                throw new DrDrillError("the recall script's output could not be kept: " + log.failure().getMessage());
            }
        }
        Map<String, Object> logs = Map.of(STDOUT_FACT, stdoutLog.toString(), STDERR_FACT, stderrLog.toString());
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
    }

    private static void join(Thread thread) {
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
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
