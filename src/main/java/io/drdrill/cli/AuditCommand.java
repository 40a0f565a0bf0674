package io.drdrill.cli;

import io.drdrill.audit.EngineHistory;
import io.drdrill.evidence.AuditChain;
import io.drdrill.logging.TerminalText;
import io.drdrill.manifest.Instants;
import io.drdrill.manifest.InvalidManifestException;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code dr-drill audit}: the engine history as a hash-chained audit trail. {@code verify} checks a chained file
 * (the daily log, a drill's engine-history.ndjson, an export) without an engine; {@code export} writes the lines
 * of drills from a server's history tables, with the engine started read-only in spirit: no job executor, no
 * deployment, no schema change.
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Verify or export the engine history's hash-chained audit trail.",
        subcommands = {AuditCommand.Verify.class, AuditCommand.Export.class})
public class AuditCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: verify or export");
    }

    /** {@code audit verify FILE}: exit 0 and the count and head, or exit 1 and the first broken line. */
    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Check a chained NDJSON file line by line.",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:the chain is intact", "1:a line is broken (named)", "2:invalid invocation",
                    "4:the file cannot be read"})
    static class Verify implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "An audit log, engine-history.ndjson or an export.")
        Path file;

        @Override
        public Integer call() {
            if (!Files.isRegularFile(file)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "FILE " + TerminalText.escape(file.toString()) + " is not a regular file");
            }
            AuditChain.Verification result;
            try {
                result = AuditChain.verify(file);
            } catch (IOException e) {
                spec.commandLine().getErr().println(Verdict.error("cannot read " + TerminalText.escape(
                        file.toString()) + ": " + e.getMessage()));
                return ExitCode.ERROR.code();
            }
            if (result.broken().isPresent()) {
                spec.commandLine().getOut().println(TerminalText.escape(file.toString()) + ": "
                        + TerminalText.escape(result.broken().get()));
                return 1;
            }
            spec.commandLine().getOut().println(TerminalText.escape(file.toString()) + ": " + result.lines()
                    + " line" + (result.lines() == 1 ? "" : "s") + ", head sha256:" + result.head().hash());
            return 0;
        }
    }

    /** {@code audit export}: the lines of a server's history tables for a time range, chained from the start. */
    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write the audit lines of drills and sign-offs from the server's database "
                    + "(SPRING_DATASOURCE_URL etc.).",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:written", "2:invalid invocation", "4:the database or the output failed"})
    static class Export implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.ParentCommand
        AuditCommand audit;

        @Option(names = "--from", required = true, paramLabel = "ISO-8601",
                description = "First moment included; without an offset it is UTC.")
        String from;

        @Option(names = "--to", required = true, paramLabel = "ISO-8601", description = "First moment excluded.")
        String to;

        @Option(names = "--process-instance", paramLabel = "ID", description = "Only this process instance.")
        String processInstance;

        @Option(names = "--output", paramLabel = "FILE", description = "Where to write (default: stdout).")
        Path output;

        @Override
        public Integer call() {
            Instant start;
            Instant end;
            try {
                start = Instants.require(from, "--from");
                end = Instants.require(to, "--to");
            } catch (InvalidManifestException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            if (!start.isBefore(end)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--from must be before --to");
            }
            if (output != null && Files.isDirectory(output)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--output " + TerminalText.escape(output.toString()) + " is a folder; give the path of a file");
            }
            List<String> lines;
            DrDrillCommand root = (DrDrillCommand) audit.spec.parent().userObject();
            try (ConfigurableApplicationContext engine = startEngine(root.application())) {
                lines = AuditChain.chain(engine.getBean(EngineHistory.class)
                        .between(start, end, Optional.ofNullable(processInstance)));
            }
            if (output == null) {
                PrintWriter out = spec.commandLine().getOut();
                lines.forEach(out::println);
                out.flush();
            } else {
                try {
                    AuditChain.write(output.toAbsolutePath(), lines);
                } catch (IOException e) {
                    spec.commandLine().getErr().println(Verdict.error("cannot write " + TerminalText.escape(
                            output.toString()) + ": " + e.getMessage()));
                    return ExitCode.ERROR.code();
                }
                spec.commandLine().getErr().println("[dr-drill] " + lines.size() + " lines written to "
                        + TerminalText.escape(output.toString()));
            }
            return ExitCode.PASSED.code();
        }

        /** The engine on the configured database: nothing deployed, no schema change, no jobs run. */
        private static ConfigurableApplicationContext startEngine(Class<?> application) {
            // as arguments: they outrank application.properties (schema-update=true there)
            return new SpringApplicationBuilder(application)
                    .web(WebApplicationType.NONE)
                    .profiles("cli")
                    .logStartupInfo(false)
                    .run("--camunda.bpm.auto-deployment-enabled=false", "--camunda.bpm.database.schema-update=false",
                            "--camunda.bpm.job-execution.enabled=false");
        }
    }
}
