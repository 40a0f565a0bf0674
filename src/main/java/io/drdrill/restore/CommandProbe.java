package io.drdrill.restore;

import io.drdrill.manifest.DrillInputs;
import io.drdrill.manifest.Manifest;
import io.drdrill.manifest.PostRestoreCheck;
import io.drdrill.step.DrDrillError;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A {@code command} check: an executable allow-listed exactly like the recall script, run like it (the same
 * containment, a scrubbed environment with {@code PATH}, {@code LANG}, {@code BACKUP_PATH}, {@code RESTORE_DIR}
 * and {@code RESTORED_FILE}, stdin from /dev/null, the restore folder as working directory), with its output
 * kept in bounded logs in the evidence folder; it must exit 0 within its timeout.
 */
final class CommandProbe {

    static final String STDOUT_FACT = "stdout_log";
    static final String STDERR_FACT = "stderr_log";

    private CommandProbe() {
    }

    static PostRestoreChecks.Passed run(PostRestoreCheck.Command check, PostRestoreChecks.Site site) {
        Manifest manifest = site.manifest();
        Path executable = RestoreRunner.allowListed(check.path(), "command", site.allowedScriptDirs(), manifest);
        Path stdoutLog = site.logDir().resolve("check-" + check.name() + "-stdout.log");
        Path stderrLog = site.logDir().resolve("check-" + check.name() + "-stderr.log");
        refuseLogsOntoInputs(manifest, List.of(stdoutLog, stderrLog));
        Map<String, String> logs = new LinkedHashMap<>();
        logs.put(STDOUT_FACT, stdoutLog.toString());
        logs.put(STDERR_FACT, stderrLog.toString());

        List<String> commandLine = new ArrayList<>();
        commandLine.add(executable.toString());
        commandLine.addAll(check.args());
        RecallWrapper wrapper = site.wrapper();
        Path restoreDir = manifest.restore().outputDir();
        ProcessBuilder builder = new ProcessBuilder(wrapper.command(commandLine))
                .directory(restoreDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = builder.environment();
        env.clear();
        env.put("PATH", RestoreRunner.SAFE_PATH);
        env.put("LANG", "C.UTF-8");
        env.put("BACKUP_PATH", manifest.backup().path().toString());
        env.put("RESTORE_DIR", restoreDir.toString());
        env.put("RESTORED_FILE", site.restoredFile().toString());

        // As for the recall script: this thread starts the wrapper and waits for it (its parent-death signal).
        Process process;
        try {
            Files.createDirectories(site.logDir());
            process = builder.start();
        } catch (IOException e) {
            throw new PostRestoreChecks.Failed("command " + executable + " could not be started: " + e.getMessage());
        }
        BoundedLog out = new BoundedLog(process.getInputStream(), stdoutLog, PostRestoreChecks.LOG_LIMIT_BYTES);
        BoundedLog err = new BoundedLog(process.getErrorStream(), stderrLog, PostRestoreChecks.LOG_LIMIT_BYTES);
        Thread outThread = out.start("check-stdout");
        Thread errThread = err.start("check-stderr");
        boolean finished;
        try {
            finished = process.waitFor(check.timeoutSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            int killed = wrapper.kill(process);
            RestoreRunner.finishLogs(out, outThread, err, errThread);
            Thread.currentThread().interrupt();
            throw new PostRestoreChecks.Failed("interrupted; its process tree was killed (" + killed
                    + " process(es))", logs);
        } catch (RuntimeException | Error e) {
            wrapper.kill(process);
            throw e;
        }
        int killed = wrapper.kill(process);
        RestoreRunner.finishLogs(out, outThread, err, errThread);
        for (BoundedLog log : List.of(out, err)) {
            if (log.failure() != null) {
                throw new PostRestoreChecks.Failed("its output could not be kept: " + log.failure().getMessage(), logs);
            }
        }
        if (!finished) {
            throw new PostRestoreChecks.Failed("timed out after " + check.timeoutSeconds()
                    + "s; its process tree was killed (" + killed + " process(es))", logs);
        }
        int code = process.exitValue();
        if (code != 0) {
            String last = RestoreRunner.lastLine(stderrLog);
            throw new PostRestoreChecks.Failed("exited with code " + code + (last.isEmpty() ? "" : ": " + last), logs);
        }
        return new PostRestoreChecks.Passed(check.path().getFileName() + " exited with code 0", logs);
    }

    /**
     * A log is created anew (whatever stood at its path is removed first), so its path must not be an input: the
     * removal would delete it. Links at the path are removed, never followed; linked folders are resolved.
     */
    private static void refuseLogsOntoInputs(Manifest manifest, List<Path> logs) {
        for (Path log : logs) {
            Path landing = landing(log);
            for (DrillInputs.Input input : DrillInputs.of(manifest)) {
                try {
                    if (Files.exists(input.path()) && landing.equals(input.path().toRealPath())) {
                        throw new DrDrillError("its log " + log + " would replace the drill's input " + input.field()
                                + " " + input.path() + ": choose another evidence folder");
                    }
                } catch (IOException e) {
                    // an input that cannot be resolved is not where the log lands
                }
            }
        }
    }

    private static Path landing(Path log) {
        Path absolute = log.toAbsolutePath().normalize();
        Path parent = absolute.getParent();
        try {
            return parent.toRealPath().resolve(absolute.getFileName());
        } catch (IOException e) {
            return absolute;
        }
    }
}
