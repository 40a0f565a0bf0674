package io.drdrill.release;

import io.drdrill.signoff.SignoffRefused;
import io.drdrill.signoff.SignoffRules;
import org.camunda.bpm.engine.BadUserRequestException;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.springframework.stereotype.Component;

import static io.drdrill.release.ReleaseSignoffProcess.Variables.RELEASE_NAME;
import static io.drdrill.release.ReleaseSignoffProcess.Variables.RELEASE_TITLE;
import static io.drdrill.release.ReleaseSignoffProcess.Variables.RELEASE_VERSION;

/**
 * A release sign-off is about one named release: its start needs the release name and version (400 otherwise),
 * which become its business key and name its approval task ("Approve release shop 2.4.1").
 */
@Component(ReleaseSignoffProcess.START_LISTENER)
public class ReleaseStartListener implements ExecutionListener {

    @Override
    public void notify(DelegateExecution execution) {
        String title;
        try {
            title = SignoffRules.releaseTitle(RELEASE_NAME.from(execution).orElse(null),
                    RELEASE_VERSION.from(execution).orElse(null));
        } catch (SignoffRefused refused) {
            throw new BadUserRequestException(refused.getMessage());
        }
        RELEASE_NAME.set(execution, RELEASE_NAME.require(execution).strip());
        RELEASE_VERSION.set(execution, RELEASE_VERSION.require(execution).strip());
        RELEASE_TITLE.set(execution, title);
        if (execution.getProcessBusinessKey() == null) {
            execution.setProcessBusinessKey(title);
        }
    }
}
