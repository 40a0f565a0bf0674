package io.drdrill.process;

import io.drdrill.evidence.ReviewEvidence;
import io.drdrill.step.Text;
import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.BadUserRequestException;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.springframework.stereotype.Component;

import java.nio.file.Path;
import java.time.Instant;

import static io.drdrill.process.DrDrillProcess.Variables.ACKNOWLEDGED;
import static io.drdrill.process.DrDrillProcess.Variables.DRILL_STATUS;
import static io.drdrill.process.DrDrillProcess.Variables.DRILL_TITLE;
import static io.drdrill.process.DrDrillProcess.Variables.EVENTS_PATH;
import static io.drdrill.process.DrDrillProcess.Variables.EVIDENCE_DIR;
import static io.drdrill.process.DrDrillProcess.Variables.FAILED_STAGE;
import static io.drdrill.process.DrDrillProcess.Variables.REPORT_PATH;
import static io.drdrill.process.DrDrillProcess.Variables.REVIEWED_AT;
import static io.drdrill.process.DrDrillProcess.Variables.REVIEWER;
import static io.drdrill.process.DrDrillProcess.Variables.REVIEW_NOTE;
import static io.drdrill.process.DrDrillProcess.Variables.REVIEW_PATH;
import static io.drdrill.process.DrDrillProcess.Variables.RUN_ID;

/**
 * Names "Review failed drill" / "Review policy violation" after the drill when created. Completing one is an operator's statement that they read the
 * failure: it needs the acknowledgement, a logged-in reviewer (the engine's, not a variable a caller could set)
 * and writes {@code review.json} beside the report. A refused review rolls the completion back (403 or 400 with
 * the reason, see {@link RefusalsAsAnswers}); nothing is recorded as reviewed without its evidence.
 */
@Component(DrDrillProcess.Delegates.DRILL_REVIEW_LISTENER)
public class DrillReviewListener implements TaskListener {

    /** A note longer than this is kept shortened (it is also a string variable). */
    static final int MAX_NOTE_CHARS = 2000;

    private final ReviewEvidence evidence = new ReviewEvidence();
    private final io.drdrill.evidence.EvidenceWriter writer;

    private final EvidenceObserver observer;

    public DrillReviewListener(io.drdrill.evidence.EvidenceWriter writer,
                               org.springframework.beans.factory.ObjectProvider<EvidenceObserver> observers) {
        this.writer = writer;
        this.observer = EvidenceObserver.all(observers);
    }

    @Override
    public void notify(DelegateTask task) {
        if (EVENTNAME_CREATE.equals(task.getEventName())) {
            nameAfterTheDrill(task);
            return;
        }
        if (!EVENTNAME_COMPLETE.equals(task.getEventName())) {
            return;
        }
        Authentication current = task.getProcessEngineServices().getIdentityService().getCurrentAuthentication();
        String reviewer = current == null ? null : current.getUserId();
        if (reviewer == null) {
            throw new AuthorizationException("a drill review names its reviewer: complete it as a logged-in user");
        }
        if (!ACKNOWLEDGED.from(task).orElse(false)) {
            throw new BadUserRequestException("tick 'I have read the failure and the evidence' (variable '"
                    + ACKNOWLEDGED.name() + "' = true) to complete the review");
        }
        String note = REVIEW_NOTE.from(task).map(String::strip).filter(n -> !n.isEmpty())
                .map(n -> Text.shorten(n, MAX_NOTE_CHARS)).orElse(null);
        Instant reviewedAt = Instant.now();
        Path report = REPORT_PATH.require(task);
        Path file = evidence.write(report, new ReviewEvidence.Review(RUN_ID.require(task),
                task.getProcessInstanceId(), task.getId(), DRILL_STATUS.from(task).orElse(null),
                FAILED_STAGE.from(task).orElse(null), reviewer, note, reviewedAt));
        writer.attest(report, report.getParent());
        observer.written(RUN_ID.require(task), task.getProcessInstanceId(), evidencePaths(task, report));
        REVIEWER.set(task, reviewer);
        REVIEWED_AT.set(task, reviewedAt);
        REVIEW_NOTE.set(task, note);
        REVIEW_PATH.set(task, file);
    }

    private static io.drdrill.evidence.EvidencePaths evidencePaths(DelegateTask task, Path report) {
        return new io.drdrill.evidence.EvidencePaths(report,
                EVENTS_PATH.from(task).orElse(report.resolveSibling(io.drdrill.evidence.EvidencePaths.EVENTS_FILE)),
                EVIDENCE_DIR.from(task).orElse(report.getParent()));
    }

    /**
     * "Review failed drill: good/manifest.json (drill-…)": two failed drills differ in Tasklist's list, while the
     * diagram keeps the element's own short name.
     */
    private static void nameAfterTheDrill(DelegateTask task) {
        DRILL_TITLE.from(task).ifPresent(title -> task.setName(Text.shorten(task.getName() + ": " + title, 255)));
    }
}
