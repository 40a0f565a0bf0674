package io.drdrill.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.drdrill.step.DrDrillError;
import io.drdrill.step.FileIdentity;
import io.drdrill.step.Sha256;
import io.drdrill.supplychain.DsseSigning;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code dr-attestation.intoto.json}: the drill's verdict as a signed, independently verifiable statement — a DSSE
 * envelope over an in-toto Statement v1 whose subjects are the report, the events, the engine history (where the
 * drill wrote one) and the restored artifact, each by name and SHA-256, with the verdict, metrics, policy, failed
 * stage, manifest digest and reviewer or approver as its predicate. Anyone with the public key can check it
 * ({@code dr-drill verify-attestation}, or {@code openssl} over the PAE); changing one byte of a subject breaks it.
 * It is issued again whenever the report changes (a review, a sign-off).
 */
public final class DrillAttestation {

    public static final String FILE = "dr-attestation.intoto.json";
    public static final String PAYLOAD_TYPE = "application/vnd.in-toto+json";
    public static final String STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
    public static final String PREDICATE_TYPE = "https://drdrill.io/attestation/dr-drill/v1";
    /** The engine's history of the drill, when the drill wrote one into its evidence folder. */
    public static final String ENGINE_HISTORY_FILE = "engine-history.ndjson";
    /** Subjects for the restored artifact are named {@code restored/<file name>}. */
    public static final String RESTORED_PREFIX = "restored/";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET);

    private DrillAttestation() {
    }

    /** Signs and writes the attestation of the drill whose report is {@code report}, into {@code evidenceDir}. */
    public static Path write(Path report, Path evidenceDir, DsseSigning.SigningKey key) {
        try {
            JsonNode json = JSON.readTree(report.toFile());
            byte[] statement = JSON.writeValueAsBytes(statement(report, evidenceDir, json));
            Map<String, Object> envelope = DsseSigning.sign(PAYLOAD_TYPE, statement, key);
            Path file = evidenceDir.resolve(FILE);
            AtomicFiles.write(file, out -> {
                PRETTY.writeValue(out, envelope);
                out.write('\n');
            });
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the attestation in " + evidenceDir + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, Object> statement(Path report, Path evidenceDir, JsonNode json) throws IOException {
        List<Map<String, Object>> subjects = new ArrayList<>();
        subjects.add(subject(report.getFileName().toString(), report));
        Path events = Path.of(json.path("evidence").path("events").asText(
                report.resolveSibling(EvidencePaths.EVENTS_FILE).toString()));
        if (Files.isRegularFile(events, LinkOption.NOFOLLOW_LINKS)) {
            subjects.add(subject(events.getFileName().toString(), events));
        }
        for (String name : List.of(EvidencePaths.METRICS_FILE, ENGINE_HISTORY_FILE)) {
            Path file = evidenceDir.resolve(name);
            if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                subjects.add(subject(name, file));
            }
        }
        JsonNode restored = json.path("notes").path("restored_file");
        if (restored.isTextual() && "passed".equals(json.path("status").asText())) {
            Path file = Path.of(restored.asText());
            if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                subjects.add(restoredSubject(RESTORED_PREFIX + file.getFileName(), file, json.path("notes")));
            }
        }
        Map<String, Object> predicate = new LinkedHashMap<>();
        predicate.put("run_id", json.path("run_id").asText(null));
        predicate.put("status", json.path("status").asText(null));
        predicate.put("started_at", json.path("started_at").asText(null));
        predicate.put("ended_at", json.path("ended_at").asText(null));
        predicate.put("manifest", json.path("manifest").asText(null));
        predicate.put("manifest_sha256", json.path("manifest_sha256").asText(null));
        predicate.put("backup_sha256", json.path("notes").path("backup_sha256").asText(null));
        predicate.put("metrics", json.path("metrics"));
        predicate.put("policy", json.path("notes").path("policy"));
        predicate.put("failed_stage", json.path("failed_stage").isTextual() ? json.path("failed_stage").asText() : null);
        predicate.put("error", json.path("error").isObject() ? json.path("error").path("message").asText() : null);
        predicate.put("reviewer", json.path("review").path("reviewer").asText(null));
        predicate.put("approver", json.path("release_signoff").path("approver").asText(null));
        predicate.put("release_decision", json.path("release_signoff").path("decision").asText(null));
        predicate.put("attested_at", Instant.now().toString());
        Map<String, Object> statement = new LinkedHashMap<>();
        statement.put("_type", STATEMENT_TYPE);
        statement.put("subject", subjects);
        statement.put("predicateType", PREDICATE_TYPE);
        statement.put("predicate", predicate);
        return statement;
    }

    private static Map<String, Object> subject(String name, Path file) throws IOException {
        Map<String, Object> subject = new LinkedHashMap<>();
        subject.put("name", name);
        subject.put("digest", Map.of("sha256", Sha256.of(file)));
        return subject;
    }

    /**
     * The restored artifact by the digest {@code validate_restored_backup} took, while the file still has the
     * identity it had then on this machine ({@code restored_identity}: device and inode, size, modification and
     * change time, host and boot); otherwise (another host, the file replaced or written since) it is hashed again,
     * so the subject always names the bytes that are there.
     */
    private static Map<String, Object> restoredSubject(String name, Path file, JsonNode notes) throws IOException {
        String digest = notes.path("restored_sha256").asText("");
        if (digest.matches("sha256:[0-9a-f]{64}")
                && notes.path("restored_identity").asText("").equals(FileIdentity.onThisMachine(file))) {
            Map<String, Object> subject = new LinkedHashMap<>();
            subject.put("name", name);
            subject.put("digest", Map.of("sha256", digest.substring("sha256:".length())));
            return subject;
        }
        return subject(name, file);
    }

    /** One subject's check: {@code ok}, {@code mismatch}, {@code missing}, or {@code not checked}. */
    public record SubjectCheck(String name, String expectedSha256, String status) {
    }

    /** A verified attestation: who signed it, what it says, and how its subjects compared. */
    public record Verification(String keyFingerprint, JsonNode statement, List<SubjectCheck> subjects) {

        public boolean allSubjectsMatch() {
            return subjects.stream().noneMatch(s -> s.status().equals("mismatch") || s.status().equals("missing"));
        }
    }

    /**
     * Checks the envelope's signature under {@code publicKey} and, where the folders are given, every subject's
     * digest: evidence files in {@code evidenceDir}, the restored artifact in {@code restoreDir}.
     *
     * @throws DrDrillError when the file is no attestation of ours or its signature does not verify
     */
    public static Verification verify(Path file, Path publicKey, Optional<Path> evidenceDir, Optional<Path> restoreDir) {
        JsonNode envelope;
        try {
            envelope = DsseSigning.json(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new DrDrillError("cannot read " + file + ": " + e.getMessage());
        }
        DsseSigning.Verified verified = DsseSigning.verify(envelope, publicKey);
        if (!PAYLOAD_TYPE.equals(verified.payloadType())) {
            throw new DrDrillError("payloadType is '" + verified.payloadType() + "', not " + PAYLOAD_TYPE);
        }
        JsonNode statement = DsseSigning.json(verified.payload());
        if (!STATEMENT_TYPE.equals(statement.path("_type").asText()) || !PREDICATE_TYPE.equals(
                statement.path("predicateType").asText())) {
            throw new DrDrillError("not a drill attestation (statement " + statement.path("_type").asText()
                    + ", predicate " + statement.path("predicateType").asText() + ")");
        }
        List<SubjectCheck> checks = new ArrayList<>();
        for (JsonNode subject : statement.path("subject")) {
            String name = subject.path("name").asText();
            String expected = subject.path("digest").path("sha256").asText();
            checks.add(new SubjectCheck(name, expected, check(name, expected, evidenceDir, restoreDir)));
        }
        return new Verification(verified.keyFingerprint(), statement, checks);
    }

    private static String check(String name, String expected, Optional<Path> evidenceDir, Optional<Path> restoreDir) {
        boolean restored = name.startsWith(RESTORED_PREFIX);
        Optional<Path> dir = restored ? restoreDir : evidenceDir;
        String local = restored ? name.substring(RESTORED_PREFIX.length()) : name;
        if (dir.isEmpty()) {
            return "not checked";
        }
        if (!local.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,254}")) {
            return "mismatch";
        }
        Path file = dir.get().resolve(local);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return "missing";
        }
        try {
            return Sha256.of(file).equalsIgnoreCase(expected) ? "ok" : "mismatch";
        } catch (IOException e) {
            return "missing";
        }
    }
}
