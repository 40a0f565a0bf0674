package io.drdrill.process;

import io.drdrill.drill.Drill;
import io.drdrill.evidence.EvidenceWriter;
import io.drdrill.manifest.ManifestCatalog;
import io.drdrill.restore.RestoreRunner;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the plain-Java drill core into the engine's delegates. */
@Configuration
@EnableConfigurationProperties({DrillSettings.class, RestoreWorkerSettings.class})
public class DrillConfiguration {

    @Bean
    Drill drill(DrillSettings settings) {
        return new Drill(new RestoreRunner(settings.scriptsDirs()));
    }

    @Bean
    ManifestCatalog manifestCatalog(DrillSettings settings) {
        return new ManifestCatalog(settings.manifestsDir());
    }

    @Bean
    EvidenceWriter evidenceWriter() {
        return new EvidenceWriter();
    }
}
