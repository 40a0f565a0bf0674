package io.drdrill;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The DR Drill Orchestrator's Spring application: the engine behind every entry point ({@link Main}). */
@SpringBootApplication
public class DrDrillApplication {
}
