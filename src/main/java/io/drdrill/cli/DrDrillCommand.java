package io.drdrill.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.List;

/** {@code dr-drill}: the command-line entry point. */
@Command(name = "dr-drill", mixinStandardHelpOptions = true, version = "dr-drill 0.1.0",
        description = "Proves that a backup restores, with evidence for every outcome.")
public class DrDrillCommand implements Runnable {

    /** The commands, in the order the help lists them. */
    static final List<Class<?>> COMMANDS = List.of(RunCommand.class, ServeCommand.class, WorkerCommand.class,
            HistoryCommand.class, AuditCommand.class, VerifyAttestationCommand.class);

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
        return commandLine(application, args.length > 0 ? args[0] : "").execute(args);
    }

    /** The command line with every command, and its error handling. */
    static CommandLine commandLine(Class<?> application) {
        return commandLine(application, "");
    }

    /**
     * The command line with its error handling: one line and the documented exit code, never a usage dump. Given
     * the name of one of its commands, it holds that command alone: picocli reads each command's options from its
     * class when the command line is made, which for all six took a tenth of a second of a drill's start-up.
     */
    static CommandLine commandLine(Class<?> application, String command) {
        CommandLine cli = new CommandLine(new DrDrillCommand(application));
        List<Class<?>> named = COMMANDS.stream()
                .filter(type -> type.getAnnotation(Command.class).name().equals(command)).toList();
        (named.isEmpty() ? COMMANDS : named).forEach(cli::addSubcommand);
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
