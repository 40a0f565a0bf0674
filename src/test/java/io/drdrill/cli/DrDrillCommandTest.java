package io.drdrill.cli;

import io.drdrill.DrDrillApplication;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line made for one command holds that command alone, with the same options and help as in the whole. */
class DrDrillCommandTest {

    @Test
    void theCommandLineForRunHoldsRunAloneWithTheSameUsageAsInTheWholeCommandLine() {
        // Given the command line as `dr-drill run …` makes it, and the whole one
        CommandLine forRun = DrDrillCommand.commandLine(DrDrillApplication.class, "run");
        CommandLine whole = DrDrillCommand.commandLine(DrDrillApplication.class);

        // When their commands and the usage of `run` are read
        // Then the first holds run alone, the whole all six, and run's usage is the same in both
        assertThat(forRun.getSubcommands()).containsOnlyKeys("run");
        assertThat(whole.getSubcommands()).containsOnlyKeys("run", "serve", "worker", "history", "audit",
                "verify-attestation");
        assertThat(forRun.getSubcommands().get("run").getUsageMessage())
                .isEqualTo(whole.getSubcommands().get("run").getUsageMessage())
                .contains("--manifest=PATH", "--current-time=ISO-8601");
    }

    @Test
    void anUnknownCommandIsRefusedInOneLineWithExitTwoAndTheHelpStillListsEveryCommand() {
        // Given the command line as an unknown command makes it
        StringWriter err = new StringWriter();
        CommandLine unknown = DrDrillCommand.commandLine(DrDrillApplication.class, "rnu");
        unknown.setErr(new PrintWriter(err));

        // When it is executed
        int exit = unknown.execute("rnu", "--manifest", "m.json");

        // Then it exits 2 with one line naming the argument, and its help lists all six commands
        assertThat(exit).isEqualTo(ExitCode.INVALID.code());
        assertThat(err.toString().lines()).singleElement().asString().contains("rnu");
        assertThat(unknown.getUsageMessage()).contains("run", "serve", "worker", "history", "audit",
                "verify-attestation");
    }
}
