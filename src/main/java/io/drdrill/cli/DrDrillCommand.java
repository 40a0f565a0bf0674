package io.drdrill.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** {@code dr-drill}: the command-line entry point. */
@Command(name = "dr-drill", mixinStandardHelpOptions = true, version = "dr-drill 0.1.0",
        description = "Proves that a backup restores, with evidence for every outcome.",
        subcommands = {RunCommand.class, ServeCommand.class, WorkerCommand.class, HistoryCommand.class,
                AuditCommand.class, VerifyAttestationCommand.class})
public class DrDrillCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required, e.g. 'run'");
    }

    private final Class<?> application;

    DrDrillCommand(Class<?> application) {
        this.application = application;
    }

    /** The Spring application the commands start: the engine, and in server mode the web apps. */
    Class<?> application() {
        return application;
    }

    /** @param application the Spring Boot application class the commands start */
    public static int execute(Class<?> application, String... args) {
        return commandLine(application).execute(args);
    }

    /** The command line with its error handling: one line and the documented exit code, never a usage dump. */
    static CommandLine commandLine(Class<?> application) {
        CommandLine cli = new CommandLine(new DrDrillCommand(application));
        cli.setParameterExceptionHandler(DrDrillCommand::invalidInput);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println(Verdict.error(HeadlessDrill.DrillNotFinished.rootMessage(e)));
            return ExitCode.ERROR.code();
        });
        return cli;
    }

    /** One line, no usage dump, exit 2. */
    private static int invalidInput(CommandLine.ParameterException e, String[] args) {
        PrintWriter err = e.getCommandLine().getErr();
        err.println(Verdict.error(e.getMessage() + " (see: dr-drill "
                + (e.getCommandLine().getParent() == null ? "" : e.getCommandLine().getCommandName() + " ")
                + "--help)"));
        return ExitCode.INVALID.code();
    }
}
