package io.drdrill.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import io.drdrill.step.FileIdentity;
import io.drdrill.step.Sha256;
import io.drdrill.supplychain.DsseSigning;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The attestation names the restored artifact by the digest {@code validate_restored_backup} recorded while the
 * file keeps the identity it had then; a file replaced or written since, or an identity from another machine, is
 * hashed again.
 */
class DrillAttestationTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    @TempDir
    Path dir;

    private Path publicKey;
    private EvidenceWriter signing;
    private Path restored;

    @BeforeEach
    void aSigningWriterAndARestoredCopy() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        Path key = dir.resolve("key.pem");
        publicKey = dir.resolve("pub.pem");
        Files.writeString(key, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        Files.writeString(publicKey, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
        signing = new EvidenceWriter(Optional.of(DsseSigning.load(key)));
        restored = Files.writeString(Files.createDirectories(dir.resolve("restored")).resolve("backup.json"),
                "{\"services\":[{\"name\":\"db\",\"status\":\"ready\"}]}");
    }

    /** A passed drill whose restored-copy step recorded {@code sha256} and {@code identity}. */
    private JsonNode attest(String sha256, String identity) throws IOException {
        Map<String, Object> notes = new LinkedHashMap<>();
        notes.put("restored_file", restored.toString());
        notes.put("restored_sha256", "sha256:" + sha256);
        notes.put("restored_identity", identity);
        DrillRecord record = new DrillRecord("run-1", T0, T0.plusSeconds(5), DrillStatus.PASSED, "/m/manifest.json",
                "ab".repeat(32), T0.minusSeconds(60), 0.5, 1.0, null, null, notes, List.of(), "pi-1");
        EvidencePaths paths = EvidencePaths.in(dir.resolve("evidence"));
        signing.write(record, paths);
        return DrillAttestation.verify(paths.attestation(), publicKey, Optional.empty(), Optional.empty()).statement();
    }

    private static String restoredSubject(JsonNode statement) {
        for (JsonNode subject : statement.path("subject")) {
            if (subject.path("name").asText().equals("restored/backup.json")) {
                return subject.path("digest").path("sha256").asText();
            }
        }
        throw new AssertionError("no restored subject in " + statement);
    }

    @Test
    void whileTheRestoredCopyKeepsItsIdentityTheRecordedDigestIsAttestedWithoutHashingItAgain() throws IOException {
        // Given a record of the copy's identity here, with a digest a second hash could not give (so it shows)
        String recorded = "0f".repeat(32);

        // When the drill is attested
        JsonNode statement = attest(recorded, FileIdentity.onThisMachine(restored));

        // Then the subject is the recorded digest, not a new hash of the file
        assertThat(restoredSubject(statement)).isEqualTo(recorded).isNotEqualTo(Sha256.of(restored));
    }

    @Test
    void aRestoredCopyWrittenSinceItWasHashedIsHashedAgain() throws IOException {
        // Given a record of the copy, which is then written again
        String identity = FileIdentity.onThisMachine(restored);
        String recorded = Sha256.of(restored);
        Files.writeString(restored, "{\"services\":[{\"name\":\"db\",\"status\":\"replaced\"}]}");

        // When the drill is attested
        JsonNode statement = attest(recorded, identity);

        // Then the subject is the digest of the bytes that are there now
        assertThat(restoredSubject(statement)).isEqualTo(Sha256.of(restored)).isNotEqualTo(recorded);
    }

    @Test
    void anIdentityRecordedOnAnotherMachineIsNotTrustedAndTheCopyIsHashedAgain() throws IOException {
        // Given a record made on a worker at the recovery site, naming the same path
        String elsewhere = "site-a-worker/boot " + FileIdentity.of(restored);

        // When the drill is attested here
        JsonNode statement = attest("0f".repeat(32), elsewhere);

        // Then the subject is this machine's hash of the file
        assertThat(restoredSubject(statement)).isEqualTo(Sha256.of(restored));
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }
}
