package io.drdrill.process;

import io.drdrill.step.Text;
import io.drdrill.evidence.EvidencePaths;
import io.drdrill.evidence.EvidenceWriter;
import io.drdrill.evidence.InputGuard;
import io.drdrill.manifest.DrillInputs;
import io.drdrill.manifest.InvalidManifestException;
import io.drdrill.manifest.ManifestCatalog;
import io.drdrill.manifest.ManifestRefusedException;
import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.springframework.stereotype.Component;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;

import static io.drdrill.process.DrDrillProcess.Variables.ACKNOWLEDGED;
import static io.drdrill.process.DrDrillProcess.Variables.ALERT_DELIVERY;
import static io.drdrill.process.DrDrillProcess.Variables.BACKUP_READING;
import static io.drdrill.process.DrDrillProcess.Variables.DRILL_TITLE;
import static io.drdrill.process.DrDrillProcess.Variables.EVIDENCE_URL;
import static io.drdrill.process.DrDrillProcess.Variables.REPORT_URL;
import static io.drdrill.process.DrDrillProcess.Variables.REVIEWED_AT;
import static io.drdrill.process.DrDrillProcess.Variables.REVIEWER;
import static io.drdrill.process.DrDrillProcess.Variables.REVIEW_PATH;
import static io.drdrill.process.DrDrillProcess.Variables.CURRENT_TIME;
import static io.drdrill.process.DrDrillProcess.Variables.EVENTS_PATH;
import static io.drdrill.process.DrDrillProcess.Variables.EVIDENCE_DIR;
import static io.drdrill.process.DrDrillProcess.Variables.MANIFEST;
import static io.drdrill.process.DrDrillProcess.Variables.NOTE;
import static io.drdrill.process.DrDrillProcess.Variables.REPORT_PATH;
import static io.drdrill.process.DrDrillProcess.Variables.REVIEW_FAILED_DRILLS;
import static io.drdrill.process.DrDrillProcess.Variables.RUN_ID;
import static io.drdrill.process.DrDrillProcess.Variables.STARTED_AT;
import static io.drdrill.process.DrDrillProcess.Variables.STARTED_BY;
import static io.drdrill.process.DrDrillProcess.Variables.START_CHECKED;

/**
 * On process start: gives the drill its run id, fixes where its evidence goes, and replaces any older report
 * there with a {@code running} one.
 */
@Component(DrDrillProcess.Delegates.DRILL_START_LISTENER)
public class DrillStartListener implements ExecutionListener {

    private static final DateTimeFormatter RUN_ID_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /** Inputs only a trusted caller (the headless command) may set. */
    static final List<ProcessVariable<?>> TRUSTED_INPUTS = List.of(REPORT_PATH, EVENTS_PATH, EVIDENCE_DIR,
            CURRENT_TIME, START_CHECKED);

    /** Variables only this server sets; a start that carries one is refused. */
    static final List<ProcessVariable<?>> SERVER_SET = List.of(START_CHECKED, ALERT_DELIVERY, ACKNOWLEDGED, REVIEWER,
            REVIEWED_AT, REVIEW_PATH, DrDrillProcess.Variables.RESTORE_SITE,
            DrDrillProcess.Variables.RESTORE_WORKER_WAIT_ALERT, DrDrillProcess.Variables.RESTORE_WAIT_ALERT_DELIVERY,
            DrDrillProcess.Variables.RESTORE_WORKER, DrDrillProcess.Variables.RECALL_STDOUT_UPLOAD,
            DrDrillProcess.Variables.RECALL_STDERR_UPLOAD, BACKUP_READING);
    /** Business keys and task names live in 255-character columns. */
    private static final int MAX_TITLE_MANIFEST_CHARS = 160;

    private final DrillSettings settings;
    private final EvidenceWriter writer;
    private final ManifestCatalog catalog;

    public DrillStartListener(DrillSettings settings, EvidenceWriter writer, ManifestCatalog catalog) {
        this.settings = settings;
        this.writer = writer;
        this.catalog = catalog;
    }

    @Override
    public void notify(DelegateExecution execution) {
        for (ProcessVariable<?> own : SERVER_SET) {
            // a caller-set delivery record would mark channels as told and silence the drill's alert; a caller-set
            // reviewer or acknowledgement would show a review nobody made; a caller-set backup reading would report
            // a payload check nobody made
            if (execution.getVariable(own.name()) != null) {
                throw new AuthorizationException("variable '" + own.name() + "' is set by this server, not by callers");
            }
        }
        refuseUntrustedInputs(execution);
        refuseStartedByFromUsers(execution);
        Instant started = Instant.now();
        String runId = newRunId(started);
        EvidencePaths paths = paths(execution, runId);
        refuseWritesOntoInputs(execution, paths);
        RUN_ID.set(execution, runId);
        STARTED_AT.set(execution, started);
        nameTheDrill(execution, runId);
        REPORT_PATH.set(execution, paths.report());
        EVENTS_PATH.set(execution, paths.events());
        EVIDENCE_DIR.set(execution, paths.evidenceDir());
        REVIEW_FAILED_DRILLS.set(execution, settings.reviewFailedDrills());
        START_CHECKED.set(execution, true);
        NOTE.from(execution).ifPresent(note -> NOTE.set(execution, Text.shorten(note, 2000)));
        writer.writeRunning(runId, started, MANIFEST.from(execution).orElse(null), execution.getProcessInstanceId(),
                paths);
    }

    /**
     * Refuses, before anything runs, what a caller must not choose: evidence paths, the clock, paths out of the
     * catalog. An authorization error, so that the REST API answers 403 with the reason.
     */
    private void refuseUntrustedInputs(DelegateExecution execution) {
        untrustedInput(execution, settings).ifPresent(message -> {
            throw new AuthorizationException(message);
        });
        try {
            MANIFEST.from(execution).ifPresent(catalog::resolve);
        } catch (ManifestRefusedException refused) {
            throw new AuthorizationException(refused.getMessage());
        } catch (InvalidManifestException invalid) {
            // a missing or broken manifest is a drill that runs and is recorded as invalid
        }
    }

    /**
     * Only the scheduler, which starts drills with no authenticated user, says a drill was scheduled: a user who
     * could set {@code startedBy} could make the scheduler believe a slot was served and skip it.
     */
    private static void refuseStartedByFromUsers(DelegateExecution execution) {
        if (STARTED_BY.from(execution).isPresent()
                && execution.getProcessEngineServices().getIdentityService().getCurrentAuthentication() != null) {
            throw new AuthorizationException("variable '" + STARTED_BY.name()
                    + "' is set by this server's scheduler, not by callers");
        }
    }

    /**
     * Inputs are read-only to a drill: a start whose evidence (or restored copy) would land on one of its inputs
     * is refused before anything is written, like a refused caller input.
     */
    private void refuseWritesOntoInputs(DelegateExecution execution, EvidencePaths paths) {
        java.util.Optional<Path> manifest;
        try {
            manifest = MANIFEST.from(execution).map(catalog::resolve);
        } catch (RuntimeException unresolved) {
            return; // recorded as an invalid drill by Task_LoadManifest; its evidence paths are checked below
        }
        manifest.ifPresent(file -> InputGuard.conflict(DrillInputs.of(file),
                InputGuard.evidenceWrites(paths, java.util.Optional.empty())).ifPresent(conflict -> {
            throw new AuthorizationException("refused: " + conflict);
        }));
    }

    /** Why the caller's variables are not acceptable, if they are not. */
    static java.util.Optional<String> untrustedInput(org.camunda.bpm.engine.delegate.VariableScope scope,
                                                     DrillSettings settings) {
        if (!settings.trustedCaller()) {
            for (ProcessVariable<?> input : TRUSTED_INPUTS) {
                if (scope.getVariable(input.name()) != null) {
                    return java.util.Optional.of("variable '" + input.name() + "' is set by this server, not by callers");
                }
            }
        }
        return java.util.Optional.empty();
    }

    /** Unique even for drills started in the same second: time for humans, randomness for uniqueness. */
    /**
     * The drill reads well wherever it is listed: its business key is the manifest's catalog name (unless the
     * starter gave one, as the scheduler does), tasks name it by manifest and run id, and its evidence has a URL.
     */
    private static void nameTheDrill(DelegateExecution execution, String runId) {
        String manifest = MANIFEST.from(execution).map(m -> Text.shorten(m, MAX_TITLE_MANIFEST_CHARS))
                .orElse("(no manifest)");
        if (execution.getProcessBusinessKey() == null && MANIFEST.from(execution).isPresent()) {
            execution.setProcessBusinessKey(manifest);
        }
        DRILL_TITLE.set(execution, manifest + " (" + runId + ")");
        EVIDENCE_URL.set(execution, evidenceUrl(runId));
        REPORT_URL.set(execution, evidenceUrl(runId) + EvidencePaths.REPORT_FILE);
    }

    /** Where the server serves a drill's evidence folder ({@code /drills/{runId}/}). */
    public static String evidenceUrl(String runId) {
        return "/drills/" + runId + "/";
    }

    static String newRunId(Instant started) {
        return "drill-" + RUN_ID_TIME.format(started) + "-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    private EvidencePaths paths(DelegateExecution execution, String runId) {
        Path report = REPORT_PATH.from(execution)
                .orElseGet(() -> settings.evidenceDir().resolve(runId).resolve(EvidencePaths.REPORT_FILE));
        Path events = EVENTS_PATH.from(execution).orElseGet(() -> report.resolveSibling(EvidencePaths.EVENTS_FILE));
        Path evidenceDir = EVIDENCE_DIR.from(execution).orElseGet(() -> report.toAbsolutePath().getParent());
        return new EvidencePaths(report, events, evidenceDir);
    }
}
