package io.drdrill.process;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code drdrill.*} settings.
 *
 * @param evidenceDir evidence of drills started without explicit output paths goes to {@code <evidenceDir>/<run_id>/}
 * @param scriptsDirs folders recall scripts must resolve into; empty means each manifest's own folder
 */
@ConfigurationProperties("drdrill")
public record DrillSettings(Path evidenceDir, List<Path> scriptsDirs) {

    public DrillSettings {
        evidenceDir = evidenceDir == null ? Path.of("artifacts", "dr") : evidenceDir;
        scriptsDirs = scriptsDirs == null ? List.of() : List.copyOf(scriptsDirs);
    }
}
