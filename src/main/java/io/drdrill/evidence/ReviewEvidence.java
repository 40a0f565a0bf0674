package io.drdrill.evidence;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code review.json} beside a failed drill's report: who acknowledged the failure, when, and what they noted.
 * The engine's history keeps it too, but an auditor reads the drill's evidence folder: the report gains a
 * {@code review} entry naming the file, so the verdict and its review travel together.
 */
public final class ReviewEvidence {

    public static final String FILE = "review.json";
    public static final String SCHEMA = "dr_drill_review.v1";
    public static final String DECISION_ACKNOWLEDGED = "acknowledged";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

    /** One review: the drill it is about, the reviewer the engine authenticated, their note and the time. */
    public record Review(String runId, String processInstanceId, String taskId, String drillStatus,
                         String failedStage, String reviewer, String note, Instant reviewedAt) {
    }

    /**
     * Writes {@code review.json} into the report's folder and links it from the report.
     *
     * @return the review file
     */
    public Path write(Path report, Review review) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("schema", SCHEMA);
        json.put("run_id", review.runId());
        json.put("drill_process_instance_id", review.processInstanceId());
        json.put("task_id", review.taskId());
        json.put("drill_status", review.drillStatus());
        json.put("failed_stage", review.failedStage());
        json.put("reviewer", review.reviewer());
        json.put("decision", DECISION_ACKNOWLEDGED);
        json.put("note", review.note());
        json.put("reviewed_at", review.reviewedAt().toString());
        json.put("report", report.getFileName().toString());
        Path file = report.resolveSibling(FILE);
        try {
            AtomicFiles.write(file, out -> JSON.writeValue(out, json));
            Map<String, Object> link = new LinkedHashMap<>();
            link.put("file", FILE);
            link.put("reviewer", review.reviewer());
            link.put("decision", DECISION_ACKNOWLEDGED);
            link.put("reviewed_at", review.reviewedAt().toString());
            ReportLinks.link(report, review.runId(), "review", link);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        return file;
    }

}
