package io.drdrill;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The DR Drill Orchestrator's Spring application: the engine behind every entry point ({@link Main}). Components
 * are looked for only in the packages that may hold them: the domain core imports no Spring (ArchitectureTest), so
 * reading its classes at every start, half of all, would find nothing.
 */
@SpringBootApplication(scanBasePackages = {"io.drdrill.cli", "io.drdrill.server", "io.drdrill.metrics",
        "io.drdrill.evidenceweb", "io.drdrill.audit", "io.drdrill.scheduler", "io.drdrill.release",
        "io.drdrill.alerting", "io.drdrill.process"})
public class DrDrillApplication {
}
