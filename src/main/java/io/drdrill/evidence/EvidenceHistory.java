package io.drdrill.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The drills an evidence folder holds, read back from their reports: what {@code dr-drill history} prints. A
 * server's evidence root has a folder per run ({@code <root>/<run_id>/dr-report.json}); a headless drill's is the
 * report's own folder. Reports are found at most {@value #MAX_DEPTH} folders deep, links are not followed, and a
 * report that cannot be read is counted, not fatal.
 */
public final class EvidenceHistory {

    static final int MAX_DEPTH = 3;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BARS = "▁▂▃▄▅▆▇█";

    /** One drill as its report has it. */
    public record Drill(String runId, String status, Instant startedAt, String manifest, Double rtoSeconds,
                        Double maxRtoSeconds, Double rpoMinutes, Double maxRpoMinutes, String failedStage) {
    }

    /** The drills found, newest first, and how many report files could not be read. */
    public record Found(List<Drill> drills, int unreadable) {
    }

    private EvidenceHistory() {
    }

    /**
     * @param manifest when given, only drills of this manifest: its path as the report has it, or its last
     *                 segments ({@code good/manifest.json} matches {@code /srv/catalog/good/manifest.json})
     */
    public static Found read(Path root, Optional<String> manifest) {
        List<Drill> drills = new ArrayList<>();
        int unreadable = 0;
        try (Stream<Path> files = Files.walk(root, MAX_DEPTH)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.getFileName() != null
                    && f.getFileName().toString().equals(EvidencePaths.REPORT_FILE)
                    && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS))::iterator) {
                Optional<Drill> drill = drill(file);
                if (drill.isEmpty()) {
                    unreadable++;
                } else if (manifest.isEmpty() || sameManifest(drill.get().manifest(), manifest.get())) {
                    drills.add(drill.get());
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw new UncheckedIOException("cannot read the evidence folder " + root + ": " + e.getMessage(),
                    e instanceof IOException io ? io : ((UncheckedIOException) e).getCause());
        }
        drills.sort(Comparator.comparing(Drill::startedAt, Comparator.nullsFirst(Comparator.naturalOrder())).reversed());
        return new Found(drills, unreadable);
    }

    static boolean sameManifest(String recorded, String wanted) {
        if (recorded == null) {
            return false;
        }
        String normalized = wanted.replace('\\', '/');
        return recorded.equals(normalized) || recorded.endsWith("/" + normalized);
    }

    private static Optional<Drill> drill(Path report) {
        try {
            JsonNode json = JSON.readTree(report.toFile());
            if (json == null || !json.path("schema").asText("").startsWith("dr_drill.")) {
                return Optional.empty();
            }
            JsonNode policy = json.path("notes").path("policy");
            return Optional.of(new Drill(json.path("run_id").asText(null), json.path("status").asText("unknown"),
                    instant(json.path("started_at").asText(null)), json.path("manifest").asText(null),
                    number(json.path("metrics").path("rto_seconds")), number(policy.path("max_rto_seconds")),
                    number(json.path("metrics").path("rpo_minutes")), number(policy.path("max_rpo_minutes")),
                    json.path("failed_stage").isTextual() ? json.path("failed_stage").asText() : null));
        } catch (IOException | RuntimeException unreadable) {
            return Optional.empty();
        }
    }

    /**
     * A text trend of {@code values} (oldest first) on the scale 0 … max(values, limit): one bar character per
     * value, {@code ·} where there is none, {@code !} where a value is over its limit.
     */
    public static String trend(List<Double> values, Double limit) {
        double top = values.stream().filter(v -> v != null).mapToDouble(Double::doubleValue).max().orElse(0);
        if (limit != null) {
            top = Math.max(top, limit);
        }
        StringBuilder line = new StringBuilder();
        for (Double value : values) {
            if (value == null) {
                line.append('·');
            } else if (limit != null && value > limit) {
                line.append('!');
            } else {
                int index = top <= 0 ? 0 : (int) Math.round(value / top * (BARS.length() - 1));
                line.append(BARS.charAt(Math.max(0, Math.min(BARS.length() - 1, index))));
            }
        }
        return line.toString();
    }

    /** A report's number, or null where it has none (the reports' one reading of numbers and times). */
    static Double number(JsonNode node) {
        return node.isNumber() ? node.asDouble() : null;
    }

    /** A report's ISO-8601 instant, or null where it has none or an unreadable one. */
    static Instant instant(String text) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
