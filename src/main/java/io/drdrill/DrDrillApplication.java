package io.drdrill;

import io.drdrill.cli.DrDrillCommand;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The DR Drill Orchestrator: {@code dr-drill run} for pipelines; the engine behind every entry point. */
@SpringBootApplication
public class DrDrillApplication {

    public static void main(String[] args) {
        System.exit(DrDrillCommand.execute(args));
    }
}
