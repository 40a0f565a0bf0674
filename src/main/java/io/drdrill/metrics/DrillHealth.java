package io.drdrill.metrics;

import io.drdrill.manifest.ManifestCatalog;
import io.drdrill.process.DrDrillProcess;
import org.camunda.bpm.engine.RepositoryService;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The health checks a drill depends on besides the database: the engine answers a query and has the drill
 * deployed, the manifest catalog can be read, and the evidence folder can be written.
 */
public final class DrillHealth {

    private DrillHealth() {
    }

    /** A trivial engine query: the deployed {@code dr-drill} definitions. */
    public static HealthIndicator engine(RepositoryService repository) {
        return () -> {
            long definitions = repository.createProcessDefinitionQuery()
                    .processDefinitionKey(DrDrillProcess.PROCESS_KEY).count();
            return (definitions > 0 ? Health.up() : Health.down().withDetail("error", "dr-drill is not deployed"))
                    .withDetail("processDefinitions", definitions).build();
        };
    }

    /** The catalog folder is a readable folder; the details count its manifests. */
    public static HealthIndicator catalog(ManifestCatalog catalog) {
        return () -> {
            Path root = catalog.root();
            if (!Files.isDirectory(root) || !Files.isReadable(root)) {
                return Health.down().withDetail("path", root.toString())
                        .withDetail("error", "the manifest catalog is not a readable folder").build();
            }
            List<String> manifests = catalog.list();
            return Health.up().withDetail("path", root.toString()).withDetail("manifests", manifests.size()).build();
        };
    }

    /** The evidence folder takes a new file (created, if missing, as a drill would). */
    public static HealthIndicator evidence(Path evidenceDir) {
        return () -> {
            Path dir = evidenceDir.toAbsolutePath().normalize();
            try {
                Files.createDirectories(dir);
                Path probe = Files.createTempFile(dir, ".health-", ".tmp");
                Files.delete(probe);
                return Health.up().withDetail("path", dir.toString()).build();
            } catch (IOException | RuntimeException e) {
                return Health.down().withDetail("path", dir.toString())
                        .withDetail("error", "the evidence folder cannot be written: " + e.getClass().getSimpleName())
                        .build();
            }
        };
    }
}
