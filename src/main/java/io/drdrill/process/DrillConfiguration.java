package io.drdrill.process;

import io.drdrill.drill.Drill;
import io.drdrill.evidence.EvidenceWriter;
import io.drdrill.manifest.ManifestCatalog;
import io.drdrill.restore.RestoreRunner;
import io.drdrill.step.DrDrillError;
import io.drdrill.supplychain.DsseSigning;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.nio.file.Path;
import java.util.Optional;

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

    /**
     * With {@code drdrill.attestation.key} (a PKCS#8 PEM, ECDSA P-256 or Ed25519) every verdict is also signed as
     * {@code dr-attestation.intoto.json}; a key that cannot be used stops the start with the reason.
     */
    @Bean
    EvidenceWriter evidenceWriter(@Value("${drdrill.attestation.key:}") String attestationKey) {
        if (attestationKey.isBlank()) {
            return new EvidenceWriter();
        }
        try {
            return new EvidenceWriter(Optional.of(DsseSigning.load(Path.of(attestationKey))));
        } catch (DrDrillError unusable) {
            throw new IllegalStateException("drdrill.attestation.key: " + unusable.getMessage(), unusable);
        }
    }
}
