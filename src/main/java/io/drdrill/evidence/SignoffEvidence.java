package io.drdrill.evidence;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.drdrill.signoff.SignoffDecision;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code release-signoff.json} beside the drill's report: who decided what about the release, when and why. */
public final class SignoffEvidence {

    public static final String FILE = "release-signoff.json";
    public static final String SCHEMA = "dr_release_signoff.v1";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET);

    /**
     * @param release what the release process knows: process instance, requester, drill run id, report, ...
     * @return the file written
     */
    public Path write(Path evidenceDir, Map<String, Object> release, SignoffDecision decision) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("schema", SCHEMA);
        json.putAll(release);
        json.put("approver", decision.approver());
        json.put("decision", decision.decision().id());
        json.put("reason", decision.reason());
        json.put("decided_at", decision.decidedAt().toString());
        Path file = evidenceDir.resolve(FILE);
        try {
            AtomicFiles.write(file, out -> JSON.writeValue(out, json));
            Map<String, Object> link = new LinkedHashMap<>();
            link.put("file", FILE);
            link.put("approver", decision.approver());
            link.put("decision", decision.decision().id());
            link.put("decided_at", decision.decidedAt().toString());
            ReportLinks.link(evidenceDir.resolve(EvidencePaths.REPORT_FILE), (String) release.get("drill_run_id"),
                    "release_signoff", link);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        return file;
    }
}
