package io.drdrill.cli;

import io.drdrill.DrDrillApplication;
import io.drdrill.evidence.EvidencePaths;
import io.drdrill.manifest.InvalidManifestException;
import io.drdrill.manifest.ManifestLoader;
import io.drdrill.process.DrDrillProcess;
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
import java.util.HashMap;
import java.util.Map;
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

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

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

    @Option(names = "--current-time", paramLabel = "ISO-8601",
            description = "The time RPO is measured at (default: now); without an offset it is UTC.")
    String currentTime;

    @Override
    public Integer call() {
        EvidencePaths paths = new EvidencePaths(report,
                events != null ? events : report.toAbsolutePath().resolveSibling(EvidencePaths.EVENTS_FILE),
                evidenceDir != null ? evidenceDir : report.toAbsolutePath().getParent());
        validate(paths);
        Map<String, Object> variables = new HashMap<>();
        Path manifestFile = realOrAbsolute(manifest);
        variables.put(DrDrillProcess.Variables.MANIFEST, manifestFile.getFileName().toString());
        variables.put(DrDrillProcess.Variables.REPORT_PATH, paths.report().toString());
        variables.put(DrDrillProcess.Variables.EVENTS_PATH, paths.events().toString());
        variables.put(DrDrillProcess.Variables.EVIDENCE_DIR, paths.evidenceDir().toString());
        if (currentTime != null) {
            variables.put(DrDrillProcess.Variables.CURRENT_TIME, currentTime);
        }
        DrillResult result;
        try (ConfigurableApplicationContext engine = startEngine(manifestFile.getParent(),
                paths.evidenceDir().resolve(LOG_FILE))) {
            result = engine.getBean(HeadlessDrill.class).run(variables);
        } catch (RuntimeException e) {
            spec.commandLine().getErr().println(Verdict.error(HeadlessDrill.DrillNotFinished.rootMessage(e)
                    + " (log: " + paths.evidenceDir().resolve(LOG_FILE) + ")"));
            return ExitCode.ERROR.code();
        }
        spec.commandLine().getOut().println(Verdict.of(result));
        return ExitCode.of(result.status().orElseThrow()).code();
    }

    private void validate(EvidencePaths paths) {
        if (currentTime != null) {
            try {
                ManifestLoader.instant(currentTime, "--current-time");
            } catch (InvalidManifestException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--current-time: expected an ISO-8601 "
                        + "date-time such as 2026-01-31T23:00:00Z, got '" + currentTime + "'");
            }
        }
        for (Path dir : new Path[]{paths.report().getParent(), paths.events().getParent(), paths.evidenceDir()}) {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "cannot create evidence folder " + dir);
            }
            if (!Files.isWritable(dir)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "evidence folder " + dir + " is not writable");
            }
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

    private static ConfigurableApplicationContext startEngine(Path catalog, Path logFile) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("drdrill.manifests-dir", catalog.toString());
        properties.put("drdrill.trusted-caller", "true");
        properties.put("drdrill.review-failed-drills", "false");
        properties.put("logging.file.name", logFile.toString());
        return new SpringApplicationBuilder(DrDrillApplication.class)
                .web(WebApplicationType.NONE)
                .profiles("cli")
                .properties(properties)
                .logStartupInfo(false)
                .run();
    }
}
