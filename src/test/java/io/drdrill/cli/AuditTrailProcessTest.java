package io.drdrill.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.drdrill.DrDrillApplication;
import io.drdrill.audit.AuditLog;
import io.drdrill.audit.EngineHistory;
import io.drdrill.audit.EngineHistoryJob;
import io.drdrill.audit.HistoryLines;
import io.drdrill.evidence.AuditChain;
import io.drdrill.evidence.CanonicalJson;
import io.drdrill.evidence.EvidencePaths;
import io.drdrill.evidence.ReviewEvidence;
import io.drdrill.evidence.SignoffEvidence;
import io.drdrill.process.DrDrillProcess;
import io.drdrill.release.ReleaseSignoffProcess;
import io.drdrill.testsupport.DrillEngineTest;
import io.drdrill.testsupport.ProcessTests;
import io.drdrill.testsupport.ReleaseRequests;
import io.drdrill.testsupport.TestBundle;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.impl.persistence.entity.JobEntity;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.runtimeService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.task;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.taskService;

/**
 * The audit trail of drills run as a server runs them, on a real engine (H2, and PostgreSQL when CI runs the
 * process tests there): each time a drill's evidence is written the live log binds it to the run once the work
 * commits; after the drill ends a job writes its engine-history.ndjson and the attestation names that file; and
 * {@code audit export} of a finished drill gives back what the live log wrote for it.
 */
@DrillEngineTest
@TestPropertySource(properties = {"drdrill.review-failed-drills=true", "drdrill.audit.node=process-test",
        "drdrill.evidence-dir=${java.io.tmpdir}/dr-drill-audit-trail-test-evidence"})
class AuditTrailProcessTest {

    private static final String OPERATOR = "olga";
    private static final Path WORK;
    private static final Path PUBLIC_KEY;
    private static final Path PRIVATE_KEY;

    static {
        try {
            WORK = Files.createTempDirectory("drdrill-audit-trail");
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            PRIVATE_KEY = Files.writeString(WORK.resolve("signer.pem"), pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            PUBLIC_KEY = Files.writeString(WORK.resolve("signer.pub.pem"), pem("PUBLIC KEY", pair.getPublic().getEncoded()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** On H2 a database file, so that `audit export` (its own engine) reads what this engine wrote. */
    private static final String H2_URL = "jdbc:h2:file:" + WORK.resolve("db/engine") + ";DB_CLOSE_ON_EXIT=FALSE";

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        registry.add("drdrill.audit.dir", () -> WORK.resolve("audit").toString());
        registry.add("drdrill.attestation.key", PRIVATE_KEY::toString);
        if (System.getenv("SPRING_DATASOURCE_URL") == null) {
            registry.add("spring.datasource.url", () -> H2_URL);
        }
    }

    @Autowired
    ProcessEngine engine;

    @Autowired
    AuditLog auditLog;

    @Autowired
    EngineHistory history;

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void aFinishedDrillsAuditExportGivesBackTheLinesTheLiveLogWroteForIt() throws IOException {
        // Given a drill that ran to its end on this engine, with the live audit log on
        Instant before = Instant.now().minus(1, ChronoUnit.MINUTES);
        ProcessInstance drill = start(TestBundle.create(dir.resolve("bundle")).write());
        assertThat(drill).isEnded();
        String after = Instant.now().plusSeconds(60).toString();

        // When `dr-drill audit export` reads the engine's database for that drill, and for that time
        Path one = dir.resolve("one.ndjson");
        Path range = dir.resolve("range.ndjson");
        int exitOne = withDatabase(() -> cli("audit", "export", "--from", before.toString(), "--to", after,
                "--process-instance", drill.getId(), "--output", one.toString()));
        String errOne = err.toString();
        int exitRange = withDatabase(() -> cli("audit", "export", "--from", before.toString(), "--to", after,
                "--output", range.toString()));

        // Then each export is an intact chain, and the drill's lines in it are the live log's, field for field
        assertThat(exitOne).as(errOne).isZero();
        assertThat(exitRange).as(err.toString()).isZero();
        List<String> exported = withoutChain(one, drill.getId()).stream().map(CanonicalJson::of).toList();
        assertThat(exported).hasSizeGreaterThan(20).hasSize(Files.readAllLines(one).size());
        List<Map<String, Object>> live = new ArrayList<>(withoutChain(auditLog.today(), drill.getId()));
        live.removeIf(line -> "evidence".equals(line.get("type")));
        live.sort(HistoryLines.ORDER);
        assertThat(live.stream().map(CanonicalJson::of).toList()).containsExactlyElementsOf(exported);
        assertThat(withoutChain(range, drill.getId()).stream().map(CanonicalJson::of).toList())
                .containsExactlyElementsOf(exported);
    }

    @Test
    void eachTimeADrillsEvidenceIsWrittenTheLiveLogBindsItToTheRunOnceTheWorkCommits() throws IOException {
        // Given a drill that failed and waits for its review
        ProcessInstance drill = start(tampered());
        EvidencePaths paths = paths(drill);
        String runId = (String) runtimeService().getVariable(drill.getId(), DrDrillProcess.Variables.RUN_ID.name());
        List<JsonNode> verdict = bindings(drill.getId());

        // When an operator acknowledges the failure (the report is issued again, naming the review)
        complete(task(drill), Map.of(DrDrillProcess.Variables.ACKNOWLEDGED.name(), true));

        // Then the verdict was bound to the run by the report's, events' and metrics' digests as written then
        assertThat(verdict).hasSize(1);
        assertThat(verdict.get(0).path("run_id").asText()).isEqualTo(runId);
        assertThat(files(verdict.get(0))).containsOnlyKeys(EvidencePaths.REPORT_FILE, EvidencePaths.EVENTS_FILE,
                EvidencePaths.METRICS_FILE);
        // and a new line binds the re-issued report and the review, as they are now
        List<JsonNode> all = bindings(drill.getId());
        assertThat(all).hasSize(2);
        Map<String, String> reviewed = files(all.get(1));
        assertThat(reviewed).containsEntry(EvidencePaths.REPORT_FILE, TestBundle.sha256(paths.report()))
                .containsEntry(EvidencePaths.EVENTS_FILE, TestBundle.sha256(paths.events()))
                .containsEntry(EvidencePaths.METRICS_FILE, TestBundle.sha256(paths.metrics()))
                .containsEntry(ReviewEvidence.FILE, TestBundle.sha256(paths.evidenceDir().resolve(ReviewEvidence.FILE)));
        assertThat(reviewed.get(EvidencePaths.REPORT_FILE)).isNotEqualTo(files(verdict.get(0))
                .get(EvidencePaths.REPORT_FILE));
        // and `audit verify` accepts the log with these lines, but not once a bound digest is changed
        Path log = auditLog.today();
        assertThat(cli("audit", "verify", log.toString())).as(out.toString()).isZero();
        Path copy = dir.resolve("edited.ndjson");
        Files.writeString(copy, Files.readString(log).replace(reviewed.get(EvidencePaths.REPORT_FILE),
                TestBundle.sha256("forged".getBytes())));
        assertThat(cli("audit", "verify", copy.toString())).isEqualTo(1);
        assertThat(out.toString()).contains("hash does not match the line's content");
    }

    @Test
    void afterADrillEndsAJobWritesItsEngineHistoryAndTheAttestationNamesIt() throws IOException {
        // Given a drill that passed and ended on this engine
        ProcessInstance drill = start(TestBundle.create(dir.resolve("bundle")).write());
        EvidencePaths paths = paths(drill);
        assertThat(drill).isEnded();
        assertThat(paths.engineHistory()).doesNotExist();

        // When the job its end left is run (by any node's job executor, once the end committed)
        runEngineHistoryJob(drill.getId());

        // Then engine-history.ndjson is the drill's export, chained, and a last line binding the evidence
        assertThat(AuditChain.verify(paths.engineHistory()).broken()).isEmpty();
        List<Map<String, Object>> lines = withoutChain(paths.engineHistory(), drill.getId());
        Map<String, Object> binding = lines.remove(lines.size() - 1);
        assertThat(lines.stream().map(CanonicalJson::of).toList())
                .containsExactlyElementsOf(history.of(drill.getId()).stream().map(CanonicalJson::of).toList());
        assertThat(binding).containsEntry("type", "evidence").containsEntry("run_id", runId(drill));
        assertThat(CanonicalJson.of(binding)).contains(TestBundle.sha256(paths.report()),
                TestBundle.sha256(paths.events()), TestBundle.sha256(paths.metrics()));
        // and the attestation, issued again, names it and verifies with all its subjects
        int verified = cli("verify-attestation", "--key", PUBLIC_KEY.toString(), "--restore-dir",
                restoreDir(paths).toString(), paths.attestation().toString());
        assertThat(verified).as(err.toString()).isZero();
        assertThat(out.toString()).contains("ok         " + EvidencePaths.ENGINE_HISTORY_FILE + " sha256:"
                + TestBundle.sha256(paths.engineHistory())).doesNotContain("not checked");
        // and a report changed by one byte no longer verifies
        Files.writeString(paths.report(), Files.readString(paths.report()).replace("\"passed\"", "\"passed \""));
        assertThat(cli("verify-attestation", "--key", PUBLIC_KEY.toString(), paths.attestation().toString()))
                .isEqualTo(1);
        assertThat(out.toString()).contains("mismatch   " + EvidencePaths.REPORT_FILE);
    }

    @Test
    void aReviewedDrillsEngineHistoryBindsItsReview() throws IOException {
        // Given a failed drill an operator reviewed, which ended with the review
        ProcessInstance drill = start(tampered());
        EvidencePaths paths = paths(drill);
        complete(task(drill), Map.of(DrDrillProcess.Variables.ACKNOWLEDGED.name(), true));
        assertThat(drill).isEnded();

        // When the job its end left is run
        runEngineHistoryJob(drill.getId());

        // Then the engine history holds the review task and binds the review next to the report
        List<Map<String, Object>> lines = withoutChain(paths.engineHistory(), drill.getId());
        assertThat(lines).anySatisfy(line -> assertThat(line).containsEntry("type", "task")
                .containsEntry("event_type", "end")
                .containsEntry("task_definition_key", DrDrillProcess.Elements.TASK_REVIEW_DRILL_FAILURE));
        assertThat(CanonicalJson.of(lines.get(lines.size() - 1))).contains(ReviewEvidence.FILE,
                TestBundle.sha256(paths.evidenceDir().resolve(ReviewEvidence.FILE)),
                TestBundle.sha256(paths.report()));
        assertThat(cli("verify-attestation", "--key", PUBLIC_KEY.toString(), paths.attestation().toString()))
                .as(err.toString()).isZero();
        assertThat(out.toString()).contains("ok         " + EvidencePaths.ENGINE_HISTORY_FILE);
    }

    @Test
    void aReleaseSignOffIsBoundAndTheDrillsEngineHistoryIsWrittenAgainWhenTheReleaseEnds() throws IOException {
        // Given a release whose drill passed and ended, its engine history written, waiting for approval
        IdentityService identity = engine.getIdentityService();
        ReleaseRequests.approver(identity, "adam");
        TestBundle bundle = TestBundle.create(dir.resolve("bundle")).write();
        ProcessInstance release = ReleaseRequests.request(engine, bundle, "olivia");
        String drillId = engine.getHistoryService().createHistoricProcessInstanceQuery()
                .superProcessInstanceId(release.getId()).singleResult().getId();
        EvidencePaths paths = paths(drillId);
        runEngineHistoryJob(drillId);
        String ended = Files.readString(paths.engineHistory());

        // When an approver approves the release (the report is issued again, naming the sign-off) and it ends
        identity.setAuthentication("adam", List.of("release-approvers"));
        try {
            org.camunda.bpm.engine.task.Task approval = taskService().createTaskQuery()
                    .processInstanceId(release.getId()).singleResult();
            taskService().claim(approval.getId(), "adam");
            taskService().complete(approval.getId(), Map.of(ReleaseSignoffProcess.Variables.DECISION.name(), "approve"));
        } finally {
            identity.clearAuthentication();
        }
        assertThat(release).isEnded();
        runEngineHistoryJob(release.getId());

        // Then the live log bound the sign-off to the drill's run, and the drill's engine history binds it too
        Path signoff = paths.evidenceDir().resolve(SignoffEvidence.FILE);
        List<JsonNode> bound = bindings(drillId);
        assertThat(files(bound.get(bound.size() - 1))).containsEntry(SignoffEvidence.FILE, TestBundle.sha256(signoff))
                .containsEntry(EvidencePaths.REPORT_FILE, TestBundle.sha256(paths.report()));
        List<Map<String, Object>> lines = withoutChain(paths.engineHistory(), drillId);
        assertThat(CanonicalJson.of(lines.get(lines.size() - 1))).contains(SignoffEvidence.FILE,
                TestBundle.sha256(signoff), TestBundle.sha256(paths.report()));
        assertThat(Files.readString(paths.engineHistory())).isNotEqualTo(ended);
        // and the attestation names the approver and verifies with every subject
        assertThat(cli("verify-attestation", "--key", PUBLIC_KEY.toString(), "--restore-dir",
                restoreDir(paths).toString(), paths.attestation().toString())).as(err.toString()).isZero();
        assertThat(out.toString()).contains("ok         " + EvidencePaths.ENGINE_HISTORY_FILE + " sha256:"
                + TestBundle.sha256(paths.engineHistory()));
    }

    private void runEngineHistoryJob(String processInstanceId) {
        List<Job> jobs = engine.getManagementService().createJobQuery().list().stream()
                .filter(job -> job instanceof JobEntity entity && EngineHistoryJob.TYPE.equals(entity.getJobHandlerType())
                        && processInstanceId.equals(entity.getJobHandlerConfigurationRaw()))
                .toList();
        assertThat(jobs).hasSize(1);
        engine.getManagementService().executeJob(jobs.get(0).getId());
    }

    private ProcessInstance start(TestBundle bundle) {
        ProcessInstance drill = runtimeService().startProcessInstanceByKey(DrDrillProcess.PROCESS_KEY,
                Map.of(DrDrillProcess.Variables.MANIFEST.name(), ProcessTests.catalogName(bundle.manifestPath())));
        ProcessTests.runJobs(drill);
        return drill;
    }

    private TestBundle tampered() throws IOException {
        TestBundle bundle = TestBundle.create(dir.resolve("bundle")).write();
        Files.writeString(bundle.backupPath(), Files.readString(bundle.backupPath()).replace("ready", "ready "));
        return bundle;
    }

    private void complete(org.camunda.bpm.engine.task.Task task, Map<String, Object> variables) {
        IdentityService identity = engine.getIdentityService();
        identity.setAuthentication(OPERATOR, List.of("dr-operators"));
        try {
            taskService().complete(task.getId(), variables);
        } finally {
            identity.clearAuthentication();
        }
    }

    private Object variable(String processInstanceId, String name) {
        return engine.getHistoryService().createHistoricVariableInstanceQuery().processInstanceId(processInstanceId)
                .variableName(name).singleResult().getValue();
    }

    private String runId(ProcessInstance drill) {
        return (String) variable(drill.getId(), DrDrillProcess.Variables.RUN_ID.name());
    }

    private EvidencePaths paths(ProcessInstance drill) {
        return paths(drill.getId());
    }

    private EvidencePaths paths(String drillId) {
        Path dir = Path.of(String.valueOf(variable(drillId, DrDrillProcess.Variables.EVIDENCE_DIR.name())));
        return new EvidencePaths(Path.of(String.valueOf(variable(drillId, DrDrillProcess.Variables.REPORT_PATH.name()))),
                Path.of(String.valueOf(variable(drillId, DrDrillProcess.Variables.EVENTS_PATH.name()))), dir);
    }

    private static Path restoreDir(EvidencePaths paths) throws IOException {
        return Path.of(TestBundle.JSON.readTree(paths.report().toFile()).path("notes").path("restored_file").asText())
                .getParent();
    }

    /** The live log's binding lines of one drill, in the log's order. */
    private List<JsonNode> bindings(String processInstanceId) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(auditLog.today())) {
            JsonNode node = TestBundle.JSON.readTree(line);
            if ("evidence".equals(node.path("type").asText())
                    && processInstanceId.equals(node.path("process_instance_id").asText())) {
                lines.add(node);
            }
        }
        return lines;
    }

    private static Map<String, String> files(JsonNode binding) {
        Map<String, String> files = new java.util.LinkedHashMap<>();
        binding.path("files").forEach(file -> files.put(file.path("name").asText(), file.path("sha256").asText()));
        return files;
    }

    /** One instance's lines of a chained file without their chain fields, in the file's order. */
    private static List<Map<String, Object>> withoutChain(Path file, String processInstanceId) throws IOException {
        assertThat(AuditChain.verify(file).broken()).isEmpty();
        List<Map<String, Object>> lines = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            JsonNode node = TestBundle.JSON.readTree(line);
            if (processInstanceId.equals(node.path("process_instance_id").asText())) {
                @SuppressWarnings("unchecked")
                Map<String, Object> fields = (Map<String, Object>) CanonicalJson.plain(node);
                fields.keySet().removeAll(List.of("seq", "prev_hash", "hash"));
                lines.add(fields);
            }
        }
        return lines;
    }

    private int cli(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine cli = DrDrillCommand.commandLine(DrDrillApplication.class);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    /** Runs a command against this engine's database: on H2 its file, on PostgreSQL the environment's. */
    private static int withDatabase(java.util.function.IntSupplier command) {
        if (System.getenv("SPRING_DATASOURCE_URL") != null) {
            return command.getAsInt();
        }
        System.setProperty("spring.datasource.url", H2_URL);
        try {
            return command.getAsInt();
        } finally {
            System.clearProperty("spring.datasource.url");
        }
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }
}
