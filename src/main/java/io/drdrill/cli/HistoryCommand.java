package io.drdrill.cli;

import io.drdrill.evidence.EvidenceHistory;
import io.drdrill.logging.TerminalText;
import io.drdrill.step.Words;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code dr-drill history}: the last drills an evidence folder holds, newest first, with RTO and RPO beside their
 * limits and a text trend of each, read from their reports alone — no engine, no server, so it works on a CI
 * runner's artifacts as well as on a server's evidence root.
 */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = "Lists the last drills in an evidence folder with RTO/RPO against their limits and a trend.")
public class HistoryCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--evidence-root", required = true, paramLabel = "DIR",
            description = "A server's evidence folder (one folder per run) or a drill's evidence folder.")
    Path root;

    @Option(names = "--manifest", paramLabel = "NAME",
            description = "Only drills of this manifest (its path, or its last segments such as good/manifest.json).")
    String manifest;

    @Option(names = "--last", paramLabel = "N", defaultValue = "10",
            description = "How many drills (default: ${DEFAULT-VALUE}).")
    int last;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (last < 1 || last > 10_000) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--last must be between 1 and 10000");
        }
        if (!Files.isDirectory(root)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--evidence-root " + TerminalText.escape(root.toString()) + " is not a folder");
        }
        EvidenceHistory.Found found;
        try {
            found = EvidenceHistory.read(root, Optional.ofNullable(manifest));
        } catch (UncheckedIOException e) {
            spec.commandLine().getErr().println(Verdict.error(TerminalText.escape(e.getMessage())));
            return ExitCode.ERROR.code();
        }
        List<EvidenceHistory.Drill> drills = found.drills().subList(0, Math.min(last, found.drills().size()));
        if (drills.isEmpty()) {
            out.println("[dr-drill] no drills in " + TerminalText.escape(root.toString())
                    + (manifest == null ? "" : " of " + TerminalText.escape(manifest)));
            out.flush();
            return ExitCode.PASSED.code();
        }
        out.printf("%-20s  %-16s  %-28s  %-28s  %-26s  %s%n", "started", "status", "RTO", "RPO", "failed step",
                "run id");
        for (EvidenceHistory.Drill drill : drills) {
            out.printf("%-20s  %-16s  %-28s  %-28s  %-26s  %s%n",
                    drill.startedAt() == null ? "?" : drill.startedAt().toString().substring(0, 19).replace('T', ' '),
                    TerminalText.escape(drill.status()),
                    Words.durationWithLimit(drill.rtoSeconds(), drill.maxRtoSeconds()),
                    Words.minutesWithLimit(drill.rpoMinutes(), drill.maxRpoMinutes()),
                    drill.failedStage() == null ? "-" : TerminalText.escape(Words.step(drill.failedStage())),
                    TerminalText.escape(String.valueOf(drill.runId())));
        }
        List<EvidenceHistory.Drill> oldestFirst = new ArrayList<>(drills);
        Collections.reverse(oldestFirst);
        EvidenceHistory.Drill newest = drills.get(0);
        out.println();
        out.println("trend, oldest to newest (! over the limit, · not measured):");
        out.println("  RTO " + EvidenceHistory.trend(oldestFirst.stream().map(EvidenceHistory.Drill::rtoSeconds)
                .toList(), newest.maxRtoSeconds()));
        out.println("  RPO " + EvidenceHistory.trend(oldestFirst.stream().map(EvidenceHistory.Drill::rpoMinutes)
                .toList(), newest.maxRpoMinutes()));
        long passed = drills.stream().filter(d -> "passed".equals(d.status())).count();
        out.println(drills.size() + " drill(s), " + passed + " passed"
                + (found.unreadable() == 0 ? "" : "; " + found.unreadable() + " report(s) could not be read"));
        out.flush();
        return ExitCode.PASSED.code();
    }
}
