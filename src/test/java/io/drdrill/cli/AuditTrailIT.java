package io.drdrill.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.drdrill.testsupport.TestBundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged commands as real processes: {@code bin/dr-drill run} leaves engine-history.ndjson beside the
 * report, {@code bin/dr-drill audit verify} accepts it, and names the line once one is edited.
 */
class AuditTrailIT {

    private static final Path PROJECT = Path.of("").toAbsolutePath();
    private static final Path COMMAND = PROJECT.resolve("bin/dr-drill");

    @TempDir
    Path work;

    @Test
    void aDrillsEngineHistoryVerifiesUntilOneOfItsLinesIsEdited() throws Exception {
        // Given the sample bundle drilled by `bin/dr-drill run`
        Path bundle = copySample();
        assertThat(run("run", "--manifest", bundle.resolve("manifest.json").toString(), "--current-time",
                "2026-11-20T06:30:00Z").exit).isZero();
        Path evidence = work.resolve("artifacts/dr");
        Path history = evidence.resolve("engine-history.ndjson");

        // When its engine history is verified, then it holds, and its last line binds the report's digest
        Result intact = run("audit", "verify", history.toString());
        assertThat(intact.exit).as(intact.stderr).isZero();
        assertThat(intact.stdout.strip()).matches(".*engine-history\\.ndjson: \\d+ lines, head sha256:[0-9a-f]{64}");
        List<String> lines = new ArrayList<>(Files.readAllLines(history));
        JsonNode binding = TestBundle.JSON.readTree(lines.get(lines.size() - 1));
        assertThat(binding.path("files").get(0).path("sha256").asText())
                .isEqualTo(TestBundle.sha256(evidence.resolve("dr-report.json")));

        // When one value in the middle is changed
        int middle = lines.size() / 2;
        lines.set(middle, lines.get(middle).replace("\"time\":\"2026-", "\"time\":\"2025-"));
        Files.write(history, lines);
        Result edited = run("audit", "verify", history.toString());

        // Then exit 1 names that line
        assertThat(edited.exit).isEqualTo(1);
        assertThat(edited.stdout.strip()).endsWith(": line " + (middle + 1) + ": hash does not match the line's "
                + "content (the line was edited)");
    }

    private Path copySample() throws Exception {
        Path target = work.resolve("bundle");
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(PROJECT.resolve("data/dr"))) {
            for (Path file : files.toList()) {
                Files.copy(file, target.resolve(file.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        Path manifest = target.resolve("manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replace("../../artifacts/dr/restore", "restored"));
        return target;
    }

    private Result run(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(COMMAND.toString());
        command.addAll(List.of(args));
        Path out = Files.createTempFile(work, "out", ".txt");
        Path err = Files.createTempFile(work, "err", ".txt");
        Process process = new ProcessBuilder(command).directory(work.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("dr-drill did not finish: " + command);
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    private record Result(int exit, String stdout, String stderr) {
    }
}
