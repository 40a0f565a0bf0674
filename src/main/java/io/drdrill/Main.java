package io.drdrill;

import io.drdrill.cli.DrDrillCommand;
import io.drdrill.cli.EarlyMappings;
import io.drdrill.cli.StartupTimings;

import java.io.PrintWriter;

/**
 * {@code java -jar dr-drill.jar}: the command line, kept apart from the Spring application class so that the
 * commands below it never import the root (the root knows every package; no package knows the root).
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        StartupTimings.mark(StartupTimings.Mark.MAIN);
        if (args.length > 0 && "run".equals(args[0])) {
            EarlyMappings.startUnlessPending(); // while the command line is parsed and checked
        }
        int exit = DrDrillCommand.execute(DrDrillApplication.class, args);
        StartupTimings.print(new PrintWriter(System.err, true));
        System.exit(exit);
    }
}
