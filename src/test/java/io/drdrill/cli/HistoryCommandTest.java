package io.drdrill.cli;

import io.drdrill.DrDrillApplication;
import io.drdrill.evidence.DrillEvent;
import io.drdrill.evidence.DrillRecord;
import io.drdrill.evidence.DrillStatus;
import io.drdrill.evidence.EvidencePaths;
import io.drdrill.evidence.EvidenceWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class HistoryCommandTest {

    private static final Instant T0 = Instant.parse("2026-11-01T03:00:00Z");

    @TempDir
    Path root;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int history(String... args) {
        CommandLine cli = DrDrillCommand.commandLine(DrDrillApplication.class);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 1];
        all[0] = "history";
        System.arraycopy(args, 0, all, 1, args.length);
        return cli.execute(all);
    }

    private void drill(int day, String manifest, DrillStatus status, Double rto, Double rpo, String failedStage) {
        String runId = "drill-202611%02dT030000Z-%012d".formatted(day, day);
        Instant started = T0.plusSeconds(86_400L * day);
        List<DrillEvent> events = List.of(new DrillEvent("verify_backup_digest", started, started.plusSeconds(1),
                failedStage == null ? DrillEvent.Status.SUCCESS : DrillEvent.Status.FAILURE, "ok", runId));
        new EvidenceWriter().write(new DrillRecord(runId, started, started.plusSeconds(5), status, manifest,
                "ab".repeat(32), started.minusSeconds(1800), rto, rpo, failedStage,
                failedStage == null ? null : new DrillRecord.Error("DrDrillError", "digest mismatch"),
                Map.of("policy", Map.of("max_rto_seconds", 900.0, "max_rpo_minutes", 60.0)), events, "pi-" + day),
                EvidencePaths.in(root.resolve(runId)));
    }

    @Test
    void theLastDrillsOfAManifestAreListedNewestFirstWithLimitsAndATrend() {
        // Given a server's evidence root with drills of two manifests, one of them failed and one over its RPO limit
        drill(1, "/srv/catalog/shop/manifest.json", DrillStatus.PASSED, 120.0, 30.0, null);
        drill(2, "/srv/catalog/shop/manifest.json", DrillStatus.FAILED, null, null, "verify_backup_digest");
        drill(3, "/srv/catalog/shop/manifest.json", DrillStatus.POLICY_VIOLATION, 300.0, 90.0, "enforce_policies");
        drill(4, "/srv/catalog/billing/manifest.json", DrillStatus.PASSED, 5.0, 10.0, null);

        // When the history of shop/manifest.json is asked for
        int exit = history("--evidence-root", root.toString(), "--manifest", "shop/manifest.json");

        // Then its three drills are listed newest first, in words beside their limits, with a trend oldest first
        assertThat(exit).isZero();
        List<String> lines = out.toString().lines().toList();
        assertThat(lines.get(0)).startsWith("started").contains("RTO").contains("RPO");
        assertThat(lines.get(1)).startsWith("2026-11-04 03:00:00").contains("policy_violation")
                .contains("5 min (limit 15 min)").contains("1 h 30 min (limit 1 h)").contains("Enforce policies");
        assertThat(lines.get(2)).contains("failed").contains("not measured (limit 15 min)")
                .contains("Verify backup digest");
        assertThat(lines.get(3)).contains("passed").contains("2 min (limit 15 min)");
        assertThat(out.toString()).doesNotContain("billing").contains("  RTO ▂·▃").contains("  RPO ▃·!")
                .contains("3 drill(s), 1 passed");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void aMissingFolderIsAOneLineErrorAndAnUnreadableReportIsCounted() throws IOException {
        // Given a folder with one good drill and one report that is not JSON
        drill(1, "/srv/catalog/shop/manifest.json", DrillStatus.PASSED, 1.0, 1.0, null);
        Files.createDirectories(root.resolve("broken"));
        Files.writeString(root.resolve("broken").resolve("dr-report.json"), "{not json\u001b[2J");

        // When the history is read, and when a folder that does not exist is named
        int listed = history("--evidence-root", root.toString());
        int missing = history("--evidence-root", root.resolve("nope").toString());

        // Then the good drill is listed and the broken report counted; the missing folder is exit 2, one line
        assertThat(listed).isZero();
        assertThat(out.toString()).contains("1 drill(s), 1 passed; 1 report(s) could not be read");
        assertThat(missing).isEqualTo(2);
        assertThat(err.toString().lines()).singleElement().asString()
                .startsWith("[dr-drill] ERROR: --evidence-root ").contains("is not a folder");
    }
}
