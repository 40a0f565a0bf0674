package io.drdrill.process;

import io.drdrill.drill.DrillSteps;
import io.drdrill.manifest.InvalidManifestException;
import io.drdrill.manifest.Manifest;
import io.drdrill.manifest.ManifestCatalog;
import io.drdrill.step.Text;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

import static io.drdrill.process.DrDrillProcess.Variables.BACKUP_CAPTURED_AT;
import static io.drdrill.process.DrDrillProcess.Variables.ERROR_MESSAGE;
import static io.drdrill.process.DrDrillProcess.Variables.ERROR_TYPE;
import static io.drdrill.process.DrDrillProcess.Variables.MANIFEST;
import static io.drdrill.process.DrDrillProcess.Variables.MANIFEST_PATH;
import static io.drdrill.process.DrDrillProcess.Variables.MANIFEST_SHA256;
import static io.drdrill.process.DrDrillProcess.Variables.MAX_RPO_MINUTES;
import static io.drdrill.process.DrDrillProcess.Variables.MAX_RTO_SECONDS;
import static io.drdrill.process.DrDrillProcess.Variables.RESTORE_SITE;
import static io.drdrill.process.DrDrillProcess.Variables.RESTORE_WORKER_WAIT_ALERT;
import static io.drdrill.process.DrDrillProcess.Variables.START_CHECKED;

/** {@code Task_LoadManifest}: reads and validates the manifest once; later steps check it has not changed. */
@Component(DrDrillProcess.Delegates.LOAD_MANIFEST)
public class LoadManifestDelegate implements JavaDelegate {

    private final DrillSteps steps;
    private final ManifestCatalog catalog;
    private final RestoreWorkerSettings restore;

    public LoadManifestDelegate(DrillSteps steps, ManifestCatalog catalog, RestoreWorkerSettings restore) {
        this.steps = steps;
        this.catalog = catalog;
        this.restore = restore;
    }

    @Override
    public void execute(DelegateExecution execution) {
        try {
            if (START_CHECKED.from(execution).isEmpty()) {
                throw new InvalidManifestException("the drill was started without its start listener");
            }
            DrillNow.of(execution);
            String given = MANIFEST.from(execution).filter(s -> !s.isBlank()).orElseThrow(
                    () -> new InvalidManifestException("process variable '" + MANIFEST.name() + "' is required"));
            Manifest manifest = steps.loadManifest(catalog.resolve(given));
            MANIFEST_PATH.set(execution, manifest.source());
            MANIFEST_SHA256.set(execution, manifest.sha256());
            BACKUP_CAPTURED_AT.set(execution, manifest.backup().capturedAt());
            MAX_RPO_MINUTES.set(execution, manifest.policies().maxRpoMinutes().orElse(null));
            MAX_RTO_SECONDS.set(execution, manifest.policies().maxRtoSeconds().orElse(null));
            // routes the restore to the site's workers, and says when a restore no worker took is alerted
            RESTORE_SITE.set(execution, manifest.restore().siteOrDefault());
            RESTORE_WORKER_WAIT_ALERT.set(execution, restore.workerWaitAlert().toString());
        } catch (InvalidManifestException e) {
            String message = Text.shorten(e.getMessage(), Text.MAX_VARIABLE_CHARS);
            ERROR_TYPE.set(execution, DrDrillProcess.Errors.INVALID_MANIFEST);
            ERROR_MESSAGE.set(execution, message);
            throw new BpmnError(DrDrillProcess.Errors.INVALID_MANIFEST, message);
        }
    }
}
