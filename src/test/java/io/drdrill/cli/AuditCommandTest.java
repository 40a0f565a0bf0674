package io.drdrill.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drdrill.DrDrillApplication;
import io.drdrill.audit.AuditLog;
import io.drdrill.evidence.AuditChain;
import io.drdrill.evidence.EvidencePaths;
import io.drdrill.testsupport.ProcessTests;
import io.drdrill.testsupport.TestBundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code dr-drill audit verify} names the first broken line of a chain (exit 1) or prints its count and head
 * (exit 0); {@code dr-drill audit export} reads a server's database and writes what the live log wrote.
 */
class AuditCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int audit(String... args) {
        CommandLine cli = DrDrillCommand.commandLine(DrDrillApplication.class);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 1];
        all[0] = "audit";
        System.arraycopy(args, 0, all, 1, args.length);
        return cli.execute(all);
    }

    @Test
    void verifyPrintsTheCountAndHeadOfAnIntactChain() throws IOException {
        // Given a chained file of two lines
        Path file = chained(2);

        // When it is verified
        int exit = audit("verify", file.toString());

        // Then exit 0 and one line with the count and the head hash
        assertThat(exit).isZero();
        assertThat(out.toString().trim()).isEqualTo(file + ": 2 lines, head sha256:" + AuditChain.headOf(file).hash());
    }

    @Test
    void verifyNamesTheFirstBrokenLineOfAnEditedChainWithExit1() throws IOException {
        // Given a chain of three lines whose second one was edited
        Path file = chained(3);
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.set(1, lines.get(1).replace("step-1", "step-9"));
        Files.write(file, lines);

        // When it is verified
        int exit = audit("verify", file.toString());

        // Then exit 1 and line 2 is named
        assertThat(exit).isEqualTo(1);
        assertThat(out.toString().trim()).isEqualTo(file + ": line 2: hash does not match the line's content "
                + "(the line was edited)");
    }

    @Test
    void verifyOfAMissingFileAndExportWithoutTimesAreInvalidInvocations() {
        // Given no file, and an export without --to
        // When each is invoked
        // Then exit 2 with one line naming what is wrong
        assertThat(audit("verify", dir.resolve("nothing.ndjson").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("is not a regular file");
        assertThat(audit("export", "--from", "2026-12-01T00:00:00Z")).isEqualTo(2);
        assertThat(err.toString()).contains("--to");
        assertThat(audit("export", "--from", "2026-12-02T00:00:00Z", "--to", "2026-12-01T00:00:00Z")).isEqualTo(2);
        assertThat(err.toString()).contains("--from must be before --to");
    }

    @Test
    void exportOfAFinishedDrillFromTheServersDatabaseEqualsWhatTheLiveLogWroteForIt() throws IOException {
        // Given a drill that ran on an engine with a database file and the live audit log on
        String url = "jdbc:h2:file:" + dir.resolve("db/engine") + ";DB_CLOSE_ON_EXIT=FALSE";
        Path auditDir = dir.resolve("audit");
        TestBundle bundle = TestBundle.create(dir.resolve("bundle")).write();
        EvidencePaths paths = EvidencePaths.in(dir.resolve("out"));
        String id;
        Path log;
        Instant before = Instant.now().minus(1, ChronoUnit.MINUTES);
        try (ConfigurableApplicationContext server = new SpringApplicationBuilder(DrDrillApplication.class)
                .web(WebApplicationType.NONE).profiles("cli")
                .properties(Map.of("drdrill.manifests-dir", System.getProperty("java.io.tmpdir"),
                        "drdrill.trusted-caller", "true", "drdrill.audit.dir", auditDir.toString(),
                        "drdrill.audit.node", "node-a", "logging.file.name", dir.resolve("server.log").toString(),
                        "spring.datasource.url", url))
                .logStartupInfo(false).run()) {
            id = server.getBean(HeadlessDrill.class).run(variables(bundle, paths)).result().processInstanceId();
            log = server.getBean(AuditLog.class).today();
        }

        // When `dr-drill audit export` reads that database for the drill's time
        Path export = dir.resolve("export.ndjson");
        int exit;
        System.setProperty("spring.datasource.url", url);
        try {
            exit = audit("export", "--from", before.toString(), "--to", Instant.now().plusSeconds(60).toString(),
                    "--output", export.toString());
        } finally {
            System.clearProperty("spring.datasource.url");
        }

        // Then the export is an intact chain whose lines are the live log's lines of that drill
        assertThat(exit).as(err.toString()).isZero();
        assertThat(AuditChain.verify(export).broken()).isEmpty();
        List<String> exported = withoutChain(export, id);
        assertThat(exported).hasSizeGreaterThan(20).hasSize(Files.readAllLines(export).size());
        assertThat(sorted(withoutChain(log, id), exported)).containsExactlyElementsOf(exported);
        assertThat(log.getFileName().toString()).endsWith("-node-a.ndjson");
    }

    /** The live lines in the export's order (the log is in commit order; the export in time order). */
    private static List<String> sorted(List<String> live, List<String> exported) {
        List<String> ordered = new ArrayList<>(live);
        ordered.sort(java.util.Comparator.comparingInt(line -> {
            int at = exported.indexOf(line);
            return at < 0 ? Integer.MAX_VALUE : at;
        }));
        return ordered;
    }

    private static List<String> withoutChain(Path file, String processInstanceId) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            JsonNode node = JSON.readTree(line);
            // (the live log's lines binding the drill's evidence files have no row in the history tables)
            if (processInstanceId.equals(node.path("process_instance_id").asText())
                    && !"evidence".equals(node.path("type").asText())) {
                @SuppressWarnings("unchecked")
                Map<String, Object> fields = (Map<String, Object>) io.drdrill.evidence.CanonicalJson.plain(node);
                fields.keySet().removeAll(List.of("seq", "prev_hash", "hash"));
                lines.add(io.drdrill.evidence.CanonicalJson.of(fields));
            }
        }
        return lines;
    }

    private Path chained(int count) throws IOException {
        List<Map<String, Object>> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            lines.add(Map.of("type", "activity_instance", "activity_id", "step-" + i));
        }
        Path file = dir.resolve("chain.ndjson");
        AuditChain.write(file, AuditChain.chain(lines));
        return file;
    }

    private static Map<String, Object> variables(TestBundle bundle, EvidencePaths paths) {
        return ProcessTests.headlessVariables(bundle, paths);
    }
}
