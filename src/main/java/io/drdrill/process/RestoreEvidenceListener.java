package io.drdrill.process;

import io.drdrill.manifest.RestoreSite;
import io.drdrill.restore.RestoreRunner;
import io.drdrill.step.StepName;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import static io.drdrill.process.DrDrillProcess.Variables.EVIDENCE_DIR;
import static io.drdrill.process.DrDrillProcess.Variables.RECALL_STDERR_UPLOAD;
import static io.drdrill.process.DrDrillProcess.Variables.RECALL_STDOUT_UPLOAD;
import static io.drdrill.process.DrDrillProcess.Variables.RESTORE_SITE;
import static io.drdrill.process.DrDrillProcess.Variables.RESTORE_WORKER;
import static io.drdrill.process.DrDrillProcess.Variables.stepRecord;

/**
 * When "Restore at the recovery site" ends (reported, or left by its BPMN error): the evidence says where the
 * restore ran and who reported it, and a remote worker's recall logs become files of the drill's own evidence
 * folder ({@code restore/recall-stdout.log}, {@code restore/recall-stderr.log}), so the server serves them with
 * the rest. Everything the worker sent is untrusted: the file names are the server's, each log is bounded again,
 * a log path in the worker's record that is not the server's own copy is dropped, and the uploads are removed from
 * the drill's variables once written.
 */
@Component(DrDrillProcess.Delegates.RESTORE_EVIDENCE_LISTENER)
public class RestoreEvidenceListener implements ExecutionListener {

    /** Facts of {@code restore_artifact} saying where and by whom the restore ran. */
    public static final String SITE_FACT = "restore_site";
    public static final String WORKER_FACT = "restore_worker";
    public static final String WORKER_USER_FACT = "restore_worker_user";
    private static final Pattern WORKER_ID = Pattern.compile("[\\x21-\\x7e]{1,200}");
    private static final byte[] TRUNCATED = ("\n[log truncated at " + SiteRestore.UPLOADED_LOG_LIMIT_BYTES
            + " bytes by the server]\n").getBytes(StandardCharsets.UTF_8);

    @Override
    public void notify(DelegateExecution execution) {
        Optional<byte[]> stdout = RECALL_STDOUT_UPLOAD.from(execution);
        Optional<byte[]> stderr = RECALL_STDERR_UPLOAD.from(execution);
        Optional<String> worker = RESTORE_WORKER.from(execution);
        for (String upload : new String[]{RECALL_STDOUT_UPLOAD.name(), RECALL_STDERR_UPLOAD.name(),
                RESTORE_WORKER.name()}) {
            execution.removeVariable(upload);
        }
        ProcessVariable<StepRecord> variable = stepRecord(StepName.RESTORE_ARTIFACT);
        Optional<StepRecord> record = variable.from(execution);
        if (record.isEmpty()) {
            return; // nothing was reported: the failure path records what happened
        }
        Path logDir = EVIDENCE_DIR.require(execution).resolve(RestoreRunner.LOG_DIR);
        Map<String, Object> facts = new LinkedHashMap<>(record.get().facts());
        facts.put(SITE_FACT, RESTORE_SITE.from(execution).orElse(RestoreSite.DEFAULT));
        facts.put(WORKER_FACT, worker.filter(id -> WORKER_ID.matcher(id).matches()).orElse("(not reported)"));
        Authentication caller = execution.getProcessEngineServices().getIdentityService().getCurrentAuthentication();
        if (caller != null && caller.getUserId() != null) {
            facts.put(WORKER_USER_FACT, caller.getUserId());
        } else {
            facts.remove(WORKER_USER_FACT);
        }
        keep(facts, RestoreRunner.STDOUT_FACT, logDir.resolve(RestoreRunner.STDOUT_LOG), stdout);
        keep(facts, RestoreRunner.STDERR_FACT, logDir.resolve(RestoreRunner.STDERR_LOG), stderr);
        variable.set(execution, new StepRecord(record.get().event(), facts));
    }

    /**
     * The log fact names the server's copy: the uploaded log written there, or the log a worker in this JVM wrote
     * there itself; any other path the record names is not evidence this server holds, and is dropped.
     */
    private static void keep(Map<String, Object> facts, String fact, Path serverCopy, Optional<byte[]> upload) {
        if (upload.isPresent()) {
            write(serverCopy, upload.get());
            facts.put(fact, serverCopy.toString());
            return;
        }
        Object named = facts.get(fact);
        boolean own = named instanceof String path && Path.of(path).toAbsolutePath().normalize()
                .equals(serverCopy.toAbsolutePath().normalize()) && Files.isRegularFile(serverCopy,
                LinkOption.NOFOLLOW_LINKS);
        if (!own) {
            facts.remove(fact);
        }
    }

    /** A fresh file at the server's own name: whatever stood there (a link included) is replaced, not followed. */
    static void write(Path file, byte[] content) {
        byte[] bounded = content.length <= SiteRestore.UPLOADED_LOG_LIMIT_BYTES + 256 ? content
                : concat(Arrays.copyOf(content, SiteRestore.UPLOADED_LOG_LIMIT_BYTES), TRUNCATED);
        try {
            Path dir = file.getParent();
            if (Files.isSymbolicLink(dir)) {
                throw new IOException(dir + " is a symbolic link");
            }
            Files.createDirectories(dir);
            Files.deleteIfExists(file);
            Files.write(file, bounded, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new UncheckedIOException("the restore worker's log cannot be kept at " + file, e);
        }
    }

    private static byte[] concat(byte[] head, byte[] tail) {
        byte[] both = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, both, head.length, tail.length);
        return both;
    }
}
