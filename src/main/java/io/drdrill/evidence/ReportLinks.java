package io.drdrill.evidence;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;

/**
 * A record written after the verdict (a review, a release sign-off) is named by the drill's report, so that the
 * verdict and what people decided about it travel together; {@code report.html} is rendered again to show it.
 */
final class ReportLinks {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

    private ReportLinks() {
    }

    /**
     * Sets {@code key} in the report of drill {@code runId} to {@code entry}; a report that is missing, not a
     * regular file, or another drill's is left alone.
     */
    static void link(Path report, String runId, String key, Map<String, Object> entry) {
        try {
            if (!Files.isRegularFile(report, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            ObjectNode json = (ObjectNode) JSON.readTree(report.toFile());
            if (runId == null || !runId.equals(json.path("run_id").asText(null))) {
                return;
            }
            json.set(key, JSON.valueToTree(entry));
            AtomicFiles.write(report, out -> {
                JSON.writeValue(out, json);
                out.write('\n');
            });
            ReportPage.writeFor(report, report.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot link " + key + " from " + report + ": " + e.getMessage(), e);
        }
    }
}
