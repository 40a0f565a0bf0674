package io.drdrill.process;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code drdrill.*} settings.
 *
 * @param manifestsDir       the manifest catalog: the variable {@code manifest} names a file relative to it
 * @param evidenceDir        evidence of drills started without explicit output paths goes to
 *                           {@code <evidenceDir>/<run_id>/}
 * @param scriptsDirs        folders recall scripts must resolve into; empty means the catalog
 * @param reviewFailedDrills a failed drill waits for an operator's review task before it ends
 * @param trustedCaller      callers may set evidence paths and {@code currentTime} (the headless command); a
 *                           server refuses them, so nobody can write evidence elsewhere or fake a backup's age
 */
@ConfigurationProperties("drdrill")
public record DrillSettings(Path manifestsDir, Path evidenceDir, List<Path> scriptsDirs, boolean reviewFailedDrills,
                            boolean trustedCaller) {

    public DrillSettings {
        manifestsDir = manifestsDir == null ? Path.of("data", "dr") : manifestsDir;
        evidenceDir = evidenceDir == null ? Path.of("artifacts", "dr") : evidenceDir;
        scriptsDirs = scriptsDirs == null || scriptsDirs.isEmpty() ? List.of(manifestsDir) : List.copyOf(scriptsDirs);
    }
}
