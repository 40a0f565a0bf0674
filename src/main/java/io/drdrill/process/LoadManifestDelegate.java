package io.drdrill.process;

import io.drdrill.drill.Drill;
import io.drdrill.manifest.InvalidManifestException;
import io.drdrill.manifest.Manifest;
import io.drdrill.manifest.ManifestCatalog;
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

/** {@code Task_LoadManifest}: reads and validates the manifest once; later steps check it has not changed. */
@Component("loadManifestDelegate")
public class LoadManifestDelegate implements JavaDelegate {

    private final Drill drill;
    private final ManifestCatalog catalog;

    public LoadManifestDelegate(Drill drill, ManifestCatalog catalog) {
        this.drill = drill;
        this.catalog = catalog;
    }

    @Override
    public void execute(DelegateExecution execution) {
        try {
            if (!execution.hasVariable(DrDrillProcess.Variables.START_CHECKED)) {
                throw new InvalidManifestException("the drill was started without its start listener");
            }
            DrillVariables.now(execution);
            String given = DrillVariables.text(execution, MANIFEST).filter(s -> !s.isBlank())
                    .orElseThrow(() -> new InvalidManifestException("process variable 'manifest' is required"));
            Manifest manifest = drill.loadManifest(catalog.resolve(given));
            execution.setVariable(MANIFEST_PATH, manifest.source().toString());
            execution.setVariable(MANIFEST_SHA256, manifest.sha256());
            execution.setVariable(BACKUP_CAPTURED_AT, manifest.backup().capturedAt().toString());
            execution.setVariable(MAX_RPO_MINUTES, manifest.policies().maxRpoMinutes().orElse(null));
            execution.setVariable(MAX_RTO_SECONDS, manifest.policies().maxRtoSeconds().orElse(null));
        } catch (InvalidManifestException e) {
            String message = Texts.limit(e.getMessage());
            execution.setVariable(ERROR_TYPE, DrDrillProcess.Errors.INVALID_MANIFEST);
            execution.setVariable(ERROR_MESSAGE, message);
            throw new BpmnError(DrDrillProcess.Errors.INVALID_MANIFEST, message);
        }
    }
}
