package io.drdrill.process;

import io.drdrill.evidence.EvidencePaths;
import org.springframework.beans.factory.ObjectProvider;

/**
 * Told each time a drill's evidence is written or written again (the verdict, a review, a release sign-off),
 * inside the engine command that wrote it: the audit trail binds the files to the run when that command commits.
 * The layers above the process (the audit log) implement it; the listeners that write evidence call it.
 */
public interface EvidenceObserver {

    /** Nobody to tell. */
    EvidenceObserver NONE = (runId, processInstanceId, paths) -> { };

    /**
     * @param runId             the drill's run id
     * @param processInstanceId the drill's process instance
     * @param paths             the drill's evidence files
     */
    void written(String runId, String processInstanceId, EvidencePaths paths);

    /** Every observer the application has, in order. */
    static EvidenceObserver all(ObjectProvider<EvidenceObserver> observers) {
        return (runId, processInstanceId, paths) -> observers.orderedStream()
                .forEach(observer -> observer.written(runId, processInstanceId, paths));
    }
}
