package io.drdrill.cli;

import io.drdrill.backup.EarlyBackupRead;
import io.drdrill.evidence.EvidencePaths;
import io.drdrill.step.DrDrillError;
import io.drdrill.supplychain.DsseSigning;
import io.drdrill.evidence.InputGuard;
import io.drdrill.manifest.DrillInputs;
import io.drdrill.manifest.Instants;
import io.drdrill.manifest.InvalidManifestException;
import io.drdrill.manifest.Manifest;
import io.drdrill.manifest.ManifestLoader;
import io.drdrill.process.DrDrillProcess;
import io.drdrill.process.DrillProgress;
import io.drdrill.process.DrillResult;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code dr-drill run}: one drill on the embedded engine, one verdict line, an exit code per outcome. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run one drill headless and write its evidence.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:drill passed", "1:drill failed at a stage", "2:invalid invocation or manifest",
                "3:policy violation (RPO/RTO)", "4:the drill could not be carried out (engine, database, evidence)"})
public class RunCommand implements Callable<Integer> {

    static final Path DEFAULT_REPORT = Path.of("artifacts", "dr", EvidencePaths.REPORT_FILE);
    static final String LOG_FILE = "dr-drill.log";
    /** Set by {@code bin/dr-drill}: {@code tty} when stderr is a terminal, else {@code lines}. */
    static final String PROGRESS_ENV = "DR_DRILL_PROGRESS";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    DrDrillCommand parent;

    @Option(names = "--manifest", required = true, paramLabel = "PATH", description = "Drill manifest (JSON).")
    Path manifest;

    @Option(names = "--output", paramLabel = "REPORT", description = "Report file (default: ${DEFAULT-VALUE}).")
    Path report = DEFAULT_REPORT;

    @Option(names = "--ndjson", paramLabel = "EVENTS",
            description = "Step events, one JSON object per line (default: dr-events.ndjson beside the report).")
    Path events;

    @Option(names = "--evidence-dir", paramLabel = "DIR",
            description = "Folder for drill-metrics.json, restore logs and the engine log (default: the report's folder).")
    Path evidenceDir;

    @Option(names = {"-q", "--quiet"}, description = "Print only the verdict line (no progress on stderr).")
    boolean quiet;

    @Option(names = "--attestation-key", paramLabel = "PEM",
            description = "Sign the verdict as dr-attestation.intoto.json with this PKCS#8 key (ECDSA P-256 or Ed25519).")
    Path attestationKey;

    @Option(names = "--current-time", paramLabel = "ISO-8601",
            description = "The time RPO is measured at (default: now); without an offset it is UTC.")
    String currentTime;

    @Override
    public Integer call() {
        EarlyMappings.startUnlessPending();
        EvidencePaths paths = new EvidencePaths(report,
                events != null ? events : report.toAbsolutePath().resolveSibling(EvidencePaths.EVENTS_FILE),
                evidenceDir != null ? evidenceDir : report.toAbsolutePath().getParent());
        validate(paths);
        Map<String, Object> variables = new HashMap<>();
        Path manifestFile = realOrAbsolute(manifest);
        readBackupEarly(manifestFile);
        DrDrillProcess.Variables.MANIFEST.put(variables, manifestFile.getFileName().toString());
        DrDrillProcess.Variables.REPORT_PATH.put(variables, paths.report());
        DrDrillProcess.Variables.EVENTS_PATH.put(variables, paths.events());
        DrDrillProcess.Variables.EVIDENCE_DIR.put(variables, paths.evidenceDir());
        if (currentTime != null) {
            DrDrillProcess.Variables.CURRENT_TIME.put(variables, currentTime);
        }
        try (ConfigurableApplicationContext engine = startEngine(manifestFile.getParent(),
                paths.evidenceDir().resolve(LOG_FILE))) {
            TerminalProgress progress = new TerminalProgress(spec.commandLine().getErr(),
                    quiet ? TerminalProgress.Mode.NONE : TerminalProgress.Mode.of(System.getenv(PROGRESS_ENV)),
                    System::nanoTime);
            Outcome outcome;
            try (DrillProgress.Showing shown = engine.getBean(DrillProgress.class).use(progress)) {
                outcome = drill(engine.getBean(HeadlessDrill.class), variables, paths);
            }
            StartupTimings.mark(StartupTimings.Mark.DRILL);
            (outcome.exit() == ExitCode.ERROR ? spec.commandLine().getErr() : spec.commandLine().getOut())
                    .println(outcome.line());
            outcome.alertNotSent().ifPresent(spec.commandLine().getErr()::println);
            return outcome.exit().code();
        } catch (RuntimeException e) {
            spec.commandLine().getErr().println(notCarriedOut(e, paths));
            return ExitCode.ERROR.code();
        } finally {
            StartupTimings.mark(StartupTimings.Mark.CLOSED);
        }
    }

    /**
     * What the command prints and returns for one drill: the verdict line and its exit code, and a line for
     * stderr when the drill's alert could not be sent (the verdict and the exit code stay what the drill says).
     */
    record Outcome(ExitCode exit, String line, Optional<String> alertNotSent) {
        Outcome(ExitCode exit, String line) {
            this(exit, line, Optional.empty());
        }
    }

    /** Runs the drill on a started engine; a drill the engine could not finish is exit 4, never a verdict. */
    static Outcome drill(HeadlessDrill headless, Map<String, Object> variables, EvidencePaths paths) {
        try {
            HeadlessDrill.Finished finished = headless.run(variables);
            DrillResult result = finished.result();
            return new Outcome(ExitCode.of(result.status().orElseThrow()), Verdict.of(result),
                    finished.alertNotSent().map(Verdict::alertNotSent));
        } catch (RuntimeException e) {
            return new Outcome(ExitCode.ERROR, notCarriedOut(e, paths));
        }
    }

    private static String notCarriedOut(RuntimeException e, EvidencePaths paths) {
        return Verdict.error(HeadlessDrill.DrillNotFinished.rootMessage(e)
                + " (log: " + paths.evidenceDir().resolve(LOG_FILE) + ")");
    }

    /**
     * Everything that can be known to fail before a drill starts is refused here, with exit 2 and nothing
     * written: a bad time, a manifest that is no regular file, evidence paths that are folders, and any write
     * that would land on one of the drill's inputs.
     */
    private void validate(EvidencePaths paths) {
        if (currentTime != null) {
            try {
                Instants.require(currentTime, "--current-time");
            } catch (InvalidManifestException e) {
                throw invalid(e.getMessage());
            }
        }
        Path manifestFile = manifest.toAbsolutePath().normalize();
        if (Files.isSymbolicLink(manifestFile) && !Files.exists(manifestFile)) {
            throw invalid("--manifest " + manifestFile + " is a symbolic link that resolves to nothing "
                    + "(a loop or a missing target)");
        }
        if (Files.exists(manifestFile) && !Files.isRegularFile(manifestFile)) {
            throw invalid("--manifest " + manifestFile + " is " + kind(manifestFile) + ", not a regular file");
        }
        requireFileTarget("--output", paths.report());
        requireFileTarget("--ndjson", paths.events());
        List<InputGuard.Write> writes = new ArrayList<>(List.of(
                new InputGuard.Write("--output", paths.report()), new InputGuard.Write("--ndjson", paths.events())));
        InputGuard.evidenceWrites(paths, Optional.of(paths.evidenceDir().resolve(LOG_FILE))).stream()
                .skip(2).forEach(writes::add);
        List<DrillInputs.Input> inputs = new ArrayList<>(DrillInputs.of(manifestFile));
        if (attestationKey != null) {
            try {
                DsseSigning.load(attestationKey);
            } catch (DrDrillError unusable) {
                throw invalid("--attestation-key: " + unusable.getMessage());
            }
            inputs.add(new DrillInputs.Input("--attestation-key", attestationKey.toAbsolutePath().normalize()));
        }
        InputGuard.conflict(inputs, writes).ifPresent(conflict -> {
            throw invalid(conflict);
        });
        if (Files.exists(paths.evidenceDir()) && !Files.isDirectory(paths.evidenceDir())) {
            throw invalid("--evidence-dir " + paths.evidenceDir() + " is " + kind(paths.evidenceDir())
                    + ", not a folder");
        }
        for (Path dir : new Path[]{paths.report().getParent(), paths.events().getParent(), paths.evidenceDir()}) {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw invalid("cannot create evidence folder " + dir);
            }
            if (!Files.isWritable(dir)) {
                throw invalid("evidence folder " + dir + " is not writable");
            }
        }
        try {
            // the engine's log is appended by the logging library, which would follow a link planted there
            Path log = paths.evidenceDir().resolve(LOG_FILE);
            if (Files.isSymbolicLink(log)) {
                Files.delete(log);
            }
        } catch (IOException e) {
            throw invalid("cannot replace the link at " + paths.evidenceDir().resolve(LOG_FILE));
        }
    }

    private void requireFileTarget(String option, Path file) {
        if (Files.isDirectory(file)) {
            throw invalid(option + " " + file + " is a folder; give the path of a file");
        }
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw invalid(option + " " + file + " is " + kind(file) + ", not a regular file");
        }
    }

    private static String kind(Path path) {
        if (Files.isDirectory(path)) {
            return "a folder";
        }
        if (Files.isRegularFile(path)) {
            return "a file";
        }
        try {
            Object type = Files.readAttributes(path, "unix:mode").get("mode");
            int mode = type instanceof Integer m ? m & 0170000 : 0;
            return switch (mode) {
                case 0010000 -> "a FIFO";
                case 0020000 -> "a character device";
                case 0060000 -> "a block device";
                case 0140000 -> "a socket";
                default -> "a special file";
            };
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "a special file";
        }
    }

    private CommandLine.ParameterException invalid(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /**
     * A large backup is read while the engine starts ({@link EarlyBackupRead}); a manifest that cannot be read
     * here is the drill's own to report.
     */
    private static void readBackupEarly(Path manifestFile) {
        try {
            Manifest loaded = new ManifestLoader().load(manifestFile);
            EarlyBackupRead.start(loaded.backup().path(), loaded.backup().format());
        } catch (RuntimeException unreadable) {
            // load_manifest fails the drill with its own message
        }
    }

    /** The command line names a file anywhere; it becomes a one-folder catalog so the engine checks it alike. */
    private static Path realOrAbsolute(Path file) {
        try {
            return file.toRealPath();
        } catch (IOException e) {
            return file.toAbsolutePath().normalize();
        }
    }

    private ConfigurableApplicationContext startEngine(Path catalog, Path logFile) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("drdrill.manifests-dir", catalog.toString());
        properties.put("drdrill.trusted-caller", "true");
        properties.put("drdrill.review-failed-drills", "false");
        if (attestationKey != null) {
            properties.put("drdrill.attestation.key", attestationKey.toAbsolutePath().toString());
        }
        properties.put("logging.file.name", logFile.toString());
        StartupTimings.mark(StartupTimings.Mark.SPRING);
        ConfigurableApplicationContext context = new SpringApplicationBuilder(parent.application())
                .web(WebApplicationType.NONE)
                .profiles("cli")
                .properties(properties)
                .logStartupInfo(false)
                .run();
        StartupTimings.mark(StartupTimings.Mark.READY);
        return context;
    }
}
