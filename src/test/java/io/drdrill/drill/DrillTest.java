package io.drdrill.drill;

import io.drdrill.manifest.Manifest;
import io.drdrill.restore.RestoreRunner;
import io.drdrill.step.DrDrillError;
import io.drdrill.step.FileIdentity;
import io.drdrill.step.StepName;
import io.drdrill.step.StepResult;
import io.drdrill.testsupport.TestBundle;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DrillTest {

    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    @TempDir
    Path tempDir;

    private final Drill drill = new Drill(new RestoreRunner(List.of()));

    /** Runs every step in order as the process would, feeding the restore duration to the policy gate. */
    private Map<StepName, StepResult> runAll(Manifest manifest, Path evidenceDir) {
        Map<StepName, StepResult> outcomes = new EnumMap<>(StepName.class);
        Optional<Double> rto = Optional.empty();
        for (StepName step : StepName.values()) {
            StepResult outcome = drill.run(step, new DrillContext(manifest, NOW, evidenceDir, rto));
            if (step == StepName.RESTORE_ARTIFACT) {
                rto = Optional.of(((Number) outcome.facts().get("rto_seconds")).doubleValue());
            }
            outcomes.put(step, outcome);
        }
        return outcomes;
    }

    @Test
    void stepsAreTheSevenDrillStepsInOrder() {
        // Given / When / Then the step ids are the documented ones, in order, and resolve back
        assertThat(Arrays.stream(StepName.values()).map(StepName::id)).containsExactly(
                "verify_backup_digest", "verify_backup_payload", "validate_sbom", "validate_provenance",
                "restore_artifact", "validate_restored_backup", "enforce_policies");
        for (StepName step : StepName.values()) {
            assertThat(StepName.byId(step.id())).contains(step);
            assertThat(step).hasToString(step.id());
        }
        assertThat(StepName.byId("nope")).isEmpty();
    }

    @Test
    void wholeBundleWithCopyBackupPassesEveryStep() throws IOException {
        // Given a complete bundle captured 30 minutes ago, restored by copying, with limits
        TestBundle bundle = TestBundle.create(tempDir.resolve("bundle"))
                .withReadyServices(5)
                .withCapturedAt(NOW.minus(Duration.ofMinutes(30)))
                .withCopyBackup(true)
                .withPolicies(60.0, 300.0)
                .write();
        Manifest manifest = drill.loadManifest(bundle.manifestPath());

        // When every step runs in order
        Map<StepName, StepResult> outcomes = runAll(manifest, bundle.evidenceDir());

        // Then each passed with its facts
        assertThat(outcomes).containsOnlyKeys(StepName.values());
        assertThat(outcomes.get(StepName.VERIFY_BACKUP_DIGEST).facts())
                .containsEntry("backup_sha256", "sha256:" + bundle.backupSha256());
        assertThat(outcomes.get(StepName.VERIFY_BACKUP_PAYLOAD).facts()).containsEntry("services_checked", 5);
        assertThat(outcomes.get(StepName.VALIDATE_SBOM).facts()).containsEntry("sbom_components", 3);
        assertThat(outcomes.get(StepName.VALIDATE_PROVENANCE).facts()).containsEntry("provenance_matched_record", 0);
        assertThat(outcomes.get(StepName.RESTORE_ARTIFACT).facts())
                .containsEntry("restored_file", bundle.restoredFile().toString())
                .doesNotContainKeys(RestoreRunner.STDOUT_FACT, RestoreRunner.STDERR_FACT);
        assertThat(outcomes.get(StepName.VALIDATE_RESTORED_BACKUP).facts())
                .containsEntry("restored_sha256", "sha256:" + bundle.backupSha256())
                .containsEntry(Drill.RESTORED_IDENTITY_FACT, FileIdentity.onThisMachine(bundle.restoredFile()));
        assertThat(outcomes.get(StepName.ENFORCE_POLICIES).facts()).containsEntry("rpo_minutes", 30.0);
        assertThat(bundle.restoredFile()).hasSameBinaryContentAs(bundle.backupPath());
        assertThat(outcomes.values()).allSatisfy(o -> assertThat(o.notes()).isNotBlank());
    }

    @Test
    void wholeBundleWithARecallScriptPassesAndRecordsTheLogs() {
        // Given a bundle restored by a script, not by copying
        TestBundle bundle = TestBundle.create(tempDir.resolve("bundle"))
                .withCapturedAt(NOW.minus(Duration.ofMinutes(5)))
                .withCopyBackup(false)
                .withScript("#!/bin/sh\necho \"restoring $1\"\ncp \"$BACKUP_PATH\" \"$4/\"\n")
                .withPolicies(10.0, 60.0)
                .write();
        Manifest manifest = drill.loadManifest(bundle.manifestPath());

        // When every step runs in order
        Map<StepName, StepResult> outcomes = runAll(manifest, bundle.evidenceDir());

        // Then the restore step names the recall logs, which are in the evidence folder
        Path logDir = bundle.evidenceDir().resolve(RestoreRunner.LOG_DIR);
        assertThat(outcomes.get(StepName.RESTORE_ARTIFACT).facts())
                .containsEntry(RestoreRunner.STDOUT_FACT, logDir.resolve(RestoreRunner.STDOUT_LOG).toString())
                .containsEntry(RestoreRunner.STDERR_FACT, logDir.resolve(RestoreRunner.STDERR_LOG).toString());
        assertThat(logDir.resolve(RestoreRunner.STDOUT_LOG)).hasContent("restoring " + bundle.backupPath() + "\n");
        assertThat(outcomes.get(StepName.ENFORCE_POLICIES).facts()).containsEntry("rpo_minutes", 5.0);
    }

    @Test
    void restoreThatProducesNothingFailsAtTheRestore() {
        // Given a script that restores nothing
        TestBundle bundle = TestBundle.create(tempDir.resolve("bundle"))
                .withCopyBackup(false).withScript("#!/bin/sh\nexit 0\n").write();
        Manifest manifest = drill.loadManifest(bundle.manifestPath());
        DrillContext context = new DrillContext(manifest, NOW, bundle.evidenceDir(), Optional.empty());

        // When / Then the restore step itself fails
        assertThatThrownBy(() -> drill.run(StepName.RESTORE_ARTIFACT, context))
                .isInstanceOf(DrDrillError.class)
                .hasMessageContaining("did not produce");
    }

    @Test
    void aRestoredCopyReplacedByAnotherDrillIsNoticed() throws IOException, InterruptedException {
        // Given a drill that restored its copy, and another drill of the same manifest that then restored its own
        TestBundle bundle = TestBundle.create(tempDir.resolve("bundle")).write();
        Manifest manifest = drill.loadManifest(bundle.manifestPath());
        DrillContext context = new DrillContext(manifest, NOW, bundle.evidenceDir(), Optional.empty());
        String key = drill.run(StepName.RESTORE_ARTIFACT, context).measures().restoredFileKey().orElseThrow();
        Thread.sleep(20);
        drill.run(StepName.RESTORE_ARTIFACT, context);

        // When / Then the first drill's check of its restored copy notices the replacement
        DrillContext first = new DrillContext(manifest, NOW, bundle.evidenceDir(), Optional.of(1.0), Optional.of(key));
        assertThatThrownBy(() -> drill.run(StepName.VALIDATE_RESTORED_BACKUP, first))
                .isInstanceOf(DrDrillError.class)
                .hasMessageContaining("was replaced after this drill restored it");
    }

    @Test
    void aCopyReadBackAsItWasWrittenIsCheckedWithoutReadingItAgain() throws IOException {
        // Given a bundle restored by copy_backup, whose restore read its copy back
        TestBundle bundle = TestBundle.create(tempDir.resolve("bundle")).withCopyBackup(true).write();
        DrillContext context = restoring(bundle);
        StepResult.Measures restored = drill.run(StepName.RESTORE_ARTIFACT, context).measures();
        assertThat(restored.restoredReading()).isPresent();

        // When the restored copy is checked with that reading
        StepResult checked = drill.run(StepName.VALIDATE_RESTORED_BACKUP, withReadBack(context, restored));

        // Then its digest is the one read back, which is the backup's, and the evidence says so
        assertThat(checked.facts())
                .containsEntry("restored_sha256", "sha256:" + bundle.backupSha256())
                .containsEntry(Drill.RESTORED_READ_FACT, Drill.READ_WHILE_COPIED)
                .containsEntry(Drill.RESTORED_IDENTITY_FACT, FileIdentity.onThisMachine(bundle.restoredFile()));
    }

    @Test
    void aCopyRewrittenInPlaceAfterItWasReadBackIsReadAgainAndFails() throws IOException, InterruptedException {
        // Given a restore that read its copy back, and the copy then rewritten in place at the same size
        TestBundle bundle = TestBundle.create(tempDir.resolve("bundle")).withCopyBackup(true).write();
        DrillContext context = restoring(bundle);
        StepResult.Measures restored = drill.run(StepName.RESTORE_ARTIFACT, context).measures();
        Thread.sleep(20);
        try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(bundle.restoredFile().toFile(), "rw")) {
            int first = file.read();
            file.seek(0);
            file.write(first == ' ' ? '\n' : ' ');
        }
        assertThat(Files.size(bundle.restoredFile())).isEqualTo(Files.size(bundle.backupPath()));

        // When / Then the check does not take the reading for the rewritten file (even without the restored file's
        // key, which would say it was replaced): it reads it, and it differs
        DrillContext unkeyed = new DrillContext(context.manifest(), NOW, bundle.evidenceDir(), restored.rtoSeconds(),
                Optional.empty(), context.progress(), Optional.empty(), restored.restoredReading());
        assertThatThrownBy(() -> drill.run(StepName.VALIDATE_RESTORED_BACKUP, unkeyed))
                .isInstanceOf(DrDrillError.class)
                .hasMessageContaining("restored backup digest mismatch")
                .hasMessageContaining("sha256:" + TestBundle.sha256(bundle.restoredFile()));
    }

    @Test
    void aCopyRestoredWithoutAReadingIsReadByTheCheck() {
        // Given a bundle restored by a recall script
        TestBundle bundle = TestBundle.create(tempDir.resolve("bundle"))
                .withCopyBackup(false)
                .withScript("#!/bin/sh\ncp \"$BACKUP_PATH\" \"$4/\"\n")
                .write();
        DrillContext context = restoring(bundle);
        StepResult.Measures restored = drill.run(StepName.RESTORE_ARTIFACT, context).measures();

        // When the restored copy is checked
        StepResult checked = drill.run(StepName.VALIDATE_RESTORED_BACKUP, withReadBack(context, restored));

        // Then it was read by the check
        assertThat(restored.restoredReading()).isEmpty();
        assertThat(checked.facts())
                .containsEntry("restored_sha256", "sha256:" + bundle.backupSha256())
                .containsEntry(Drill.RESTORED_READ_FACT, Drill.READ_AFTER_RESTORE);
    }

    private DrillContext restoring(TestBundle bundle) {
        return new DrillContext(drill.loadManifest(bundle.manifestPath()), NOW, bundle.evidenceDir(), Optional.empty());
    }

    /** The context of the check after {@code restored}: what the restore measured and read back. */
    private static DrillContext withReadBack(DrillContext context, StepResult.Measures restored) {
        return new DrillContext(context.manifest(), context.now(), context.evidenceDir(), restored.rtoSeconds(),
                restored.restoredFileKey(), context.progress(), Optional.empty(), restored.restoredReading());
    }

    @Test
    void corruptedRestoredCopyFailsValidation() throws IOException {
        // Given a script that restores different content
        TestBundle bundle = TestBundle.create(tempDir.resolve("bundle"))
                .withCopyBackup(false)
                .withScript("#!/bin/sh\necho '{\"services\":[]}' > \"$RESTORE_DIR/backup.json\"\n")
                .write();
        Manifest manifest = drill.loadManifest(bundle.manifestPath());
        DrillContext context = new DrillContext(manifest, NOW, bundle.evidenceDir(), Optional.empty());
        drill.run(StepName.RESTORE_ARTIFACT, context);

        // When / Then validating the restored backup fails naming both digests
        assertThatThrownBy(() -> drill.run(StepName.VALIDATE_RESTORED_BACKUP, context))
                .isInstanceOf(DrDrillError.class)
                .hasMessageContaining("restored backup digest mismatch")
                .hasMessageContaining("sha256:" + bundle.backupSha256())
                .hasMessageContaining("sha256:" + TestBundle.sha256(bundle.restoredFile()));
    }

    @Test
    void tamperedBackupFailsTheFirstStep() throws IOException {
        // Given a bundle whose backup changed after the manifest was written
        TestBundle bundle = TestBundle.create(tempDir.resolve("bundle")).write();
        Manifest manifest = drill.loadManifest(bundle.manifestPath());
        Files.writeString(bundle.backupPath(), "{\"services\":[{\"name\":\"x\",\"status\":\"ready\"}]}");

        // When / Then the digest step fails
        assertThatThrownBy(() -> drill.run(StepName.VERIFY_BACKUP_DIGEST,
                new DrillContext(manifest, NOW, bundle.evidenceDir(), Optional.empty())))
                .isInstanceOf(DrDrillError.class)
                .hasMessageContaining("backup digest mismatch");
    }

    @Test
    void provenanceForAnotherDigestFailsItsStep() {
        // Given provenance naming some other artifact
        TestBundle bundle = TestBundle.create(tempDir.resolve("bundle")).withProvenanceDigest("1".repeat(64)).write();
        Manifest manifest = drill.loadManifest(bundle.manifestPath());

        // When / Then the provenance step fails
        assertThatThrownBy(() -> drill.run(StepName.VALIDATE_PROVENANCE,
                new DrillContext(manifest, NOW, bundle.evidenceDir(), Optional.empty())))
                .isInstanceOf(DrDrillError.class)
                .hasMessageStartingWith("no provenance envelope matched digest sha256:" + bundle.backupSha256());
    }

    @Test
    void policyStepWithoutARecordedRestoreDurationFails() {
        // Given a context with no RTO
        TestBundle bundle = TestBundle.create(tempDir.resolve("bundle")).write();
        Manifest manifest = drill.loadManifest(bundle.manifestPath());

        // When / Then the policy step fails
        assertThatThrownBy(() -> drill.run(StepName.ENFORCE_POLICIES,
                new DrillContext(manifest, NOW, bundle.evidenceDir(), Optional.empty())))
                .isInstanceOf(DrDrillError.class)
                .hasMessageContaining("no restore duration");
    }

    @Test
    void policyBreachSurfacesAsPolicyViolation() {
        // Given a backup older than the RPO limit
        TestBundle bundle = TestBundle.create(tempDir.resolve("bundle"))
                .withCapturedAt(NOW.minus(Duration.ofHours(2))).withPolicies(60.0, null).write();
        Manifest manifest = drill.loadManifest(bundle.manifestPath());

        // When / Then the policy step raises a violation with the observed RPO
        assertThatThrownBy(() -> drill.run(StepName.ENFORCE_POLICIES,
                new DrillContext(manifest, NOW, bundle.evidenceDir(), Optional.of(1.0))))
                .isInstanceOf(io.drdrill.policy.PolicyViolation.class)
                .hasMessageContaining("max_rpo_minutes breached: observed 120m > limit 60m");
    }

    @Test
    void reloadManifestReturnsTheSameManifestWhenUnchanged() {
        // Given a loaded manifest
        TestBundle bundle = TestBundle.create(tempDir.resolve("bundle")).write();
        Manifest first = drill.loadManifest(bundle.manifestPath());

        // When it is reloaded with its digest
        Manifest again = drill.reloadManifest(bundle.manifestPath(), first.sha256());

        // Then it is equal
        assertThat(again).isEqualTo(first);
    }

    @Test
    void reloadManifestDetectsAChangedManifest() throws IOException {
        // Given a loaded manifest that is then edited (still valid)
        TestBundle bundle = TestBundle.create(tempDir.resolve("bundle")).write();
        Manifest first = drill.loadManifest(bundle.manifestPath());
        bundle.withPolicies(1.0, 1.0).write();

        // When / Then reloading it fails saying it changed, with both digests
        String now = TestBundle.sha256(bundle.manifestPath());
        assertThatThrownBy(() -> drill.reloadManifest(bundle.manifestPath(), first.sha256()))
                .isInstanceOf(DrDrillError.class)
                .hasMessageContaining("changed")
                .hasMessageContaining("sha256:" + first.sha256())
                .hasMessageContaining("sha256:" + now);
    }

    @Test
    void reloadManifestOfADeletedOrBrokenManifestFails() throws IOException {
        // Given a loaded manifest that is then broken
        TestBundle bundle = TestBundle.create(tempDir.resolve("bundle")).write();
        Manifest first = drill.loadManifest(bundle.manifestPath());
        Files.writeString(bundle.manifestPath(), "{");

        // When / Then reloading fails as a drill error wrapping the manifest problem
        assertThatThrownBy(() -> drill.reloadManifest(bundle.manifestPath(), first.sha256()))
                .isInstanceOf(DrDrillError.class)
                .hasMessageContaining("can no longer be read")
                .hasMessageContaining("not valid JSON");

        Files.delete(bundle.manifestPath());
        assertThatThrownBy(() -> drill.reloadManifest(bundle.manifestPath(), first.sha256()))
                .isInstanceOf(DrDrillError.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void stepsRunIndividuallyInAnyOrderOnTheSameContext() {
        // Given a bundle and a context
        TestBundle bundle = TestBundle.create(tempDir.resolve("bundle")).write();
        Manifest manifest = drill.loadManifest(bundle.manifestPath());
        DrillContext context = new DrillContext(manifest, NOW, bundle.evidenceDir(), Optional.of(0.5));

        // When the read-only checks run twice, in reverse
        List<StepName> checks = new ArrayList<>(List.of(StepName.VALIDATE_PROVENANCE, StepName.VALIDATE_SBOM,
                StepName.VERIFY_BACKUP_PAYLOAD, StepName.VERIFY_BACKUP_DIGEST));
        checks.addAll(checks);

        // Then each passes each time
        assertThat(checks).allSatisfy(step -> assertThat(drill.run(step, context).facts()).isNotEmpty());
    }
}
