package io.drdrill.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.drdrill.DrDrillApplication;
import io.drdrill.evidence.AuditChain;
import io.drdrill.evidence.DrillAttestation;
import io.drdrill.evidence.EvidencePaths;
import io.drdrill.process.DrDrillProcess;
import io.drdrill.testsupport.TestBundle;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A drill on a real server (serve profile, its own job executor): once the drill has ended, the job its end left is
 * taken by the job executor, engine-history.ndjson appears in the drill's folder and the attestation names it; the
 * live log has bound the verdict to the run.
 */
@SpringBootTest(classes = DrDrillApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"camunda.bpm.admin-user.id=admin", "camunda.bpm.admin-user.password=audit-it-only-5c2f91",
                "drdrill.audit.node=it-node"})
@ActiveProfiles("serve")
class ServerAuditTrailIT {

    private static final String RECALL = "#!/bin/sh\nset -eu\ncp \"$1\" \"$4/\"\n";
    private static Path root;
    private static Path publicKey;

    @DynamicPropertySource
    static void server(DynamicPropertyRegistry registry) throws Exception {
        root = Files.createTempDirectory("dr-drill-server-audit-it");
        TestBundle.create(root.resolve("catalog").resolve("good")).withPolicies(60.0, 600.0).withScript(RECALL)
                .withCopyBackup(false).write();
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        Path privateKey = Files.writeString(root.resolve("signer.pem"), pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        publicKey = Files.writeString(root.resolve("signer.pub.pem"), pem("PUBLIC KEY", pair.getPublic().getEncoded()));
        registry.add("drdrill.manifests-dir", () -> root.resolve("catalog").toString());
        registry.add("drdrill.evidence-dir", () -> root.resolve("evidence").toString());
        registry.add("drdrill.data-dir", () -> root.resolve("var").toString());
        registry.add("drdrill.audit.dir", () -> root.resolve("audit").toString());
        registry.add("drdrill.attestation.key", privateKey::toString);
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:server-audit-it;DB_CLOSE_DELAY=-1");
    }

    @Autowired
    RuntimeService runtime;

    @Autowired
    HistoryService history;

    @Autowired
    AuditLog auditLog;

    @Test
    void afterADrillEndsOnTheServerItsEngineHistoryAppearsAndTheAttestationNamesIt() throws Exception {
        // Given a drill started on the server, as its scheduler starts one
        String id = runtime.startProcessInstanceByKey(DrDrillProcess.PROCESS_KEY,
                Map.of(DrDrillProcess.Variables.MANIFEST.name(), "good/manifest.json")).getId();

        // When it has ended and the server's job executor has run what the end left
        EvidencePaths paths = awaitEngineHistory(id);

        // Then the engine history verifies, ends with the binding of the report as it is, and the attestation,
        // issued again, verifies with it among its subjects
        assertThat(AuditChain.verify(paths.engineHistory()).broken()).isEmpty();
        List<String> lines = Files.readAllLines(paths.engineHistory());
        JsonNode binding = TestBundle.JSON.readTree(lines.get(lines.size() - 1));
        assertThat(binding.path("type").asText()).isEqualTo("evidence");
        assertThat(binding.path("files").get(0).path("sha256").asText()).isEqualTo(TestBundle.sha256(paths.report()));
        DrillAttestation.Verification verified = DrillAttestation.verify(paths.attestation(), publicKey,
                Optional.of(paths.evidenceDir()), Optional.empty());
        assertThat(verified.allSubjectsMatch()).isTrue();
        assertThat(verified.subjects()).anySatisfy(subject -> {
            assertThat(subject.name()).isEqualTo(EvidencePaths.ENGINE_HISTORY_FILE);
            assertThat(subject.status()).isEqualTo("ok");
        });
        // and the live log bound the verdict to the run
        assertThat(Files.readAllLines(auditLog.today())).anySatisfy(line -> assertThat(line)
                .contains("\"type\":\"evidence\"", "\"process_instance_id\":\"" + id + "\""));
    }

    private EvidencePaths awaitEngineHistory(String id) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        while (Instant.now().isBefore(deadline)) {
            var instance = history.createHistoricProcessInstanceQuery().processInstanceId(id).singleResult();
            if (instance != null && instance.getEndTime() != null) {
                Path dir = Path.of(String.valueOf(history.createHistoricVariableInstanceQuery().processInstanceId(id)
                        .variableName(DrDrillProcess.Variables.EVIDENCE_DIR.name()).singleResult().getValue()));
                EvidencePaths paths = EvidencePaths.in(dir);
                if (Files.exists(paths.engineHistory()) && attestationNamesHistory(paths)) {
                    return paths;
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no engine history for drill " + id);
    }

    private static boolean attestationNamesHistory(EvidencePaths paths) {
        try {
            return DrillAttestation.verify(paths.attestation(), publicKey, Optional.of(paths.evidenceDir()),
                    Optional.empty()).subjects().stream()
                    .anyMatch(subject -> subject.name().equals(EvidencePaths.ENGINE_HISTORY_FILE));
        } catch (RuntimeException notYet) {
            return false;
        }
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }
}
