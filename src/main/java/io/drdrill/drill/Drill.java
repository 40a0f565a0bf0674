package io.drdrill.drill;

import io.drdrill.backup.BackupDigestCheck;
import io.drdrill.backup.BackupPayloadCheck;
import io.drdrill.manifest.DrillInputs;
import io.drdrill.manifest.Manifest;
import io.drdrill.manifest.ManifestLoader;
import io.drdrill.policy.Numbers;
import io.drdrill.policy.PolicyGate;
import io.drdrill.restore.CheckOutcome;
import io.drdrill.restore.PostRestoreChecks;
import io.drdrill.restore.RestoreResult;
import io.drdrill.restore.RestoreRunner;
import io.drdrill.step.DrDrillError;
import io.drdrill.step.FileIdentity;
import io.drdrill.step.Progress;
import io.drdrill.step.RestoredReading;
import io.drdrill.step.Sha256;
import io.drdrill.step.StepName;
import io.drdrill.step.StepResult;
import io.drdrill.supplychain.ProvenanceCheck;
import io.drdrill.supplychain.SbomCheck;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The one place that knows every step: runs a step, by name, on a drill context. */
public final class Drill implements DrillSteps {

    /** The restored copy's identity on the machine that hashed it ({@link FileIdentity#onThisMachine}). */
    public static final String RESTORED_IDENTITY_FACT = "restored_identity";
    /** How the restored copy's digest was read: {@link #READ_WHILE_COPIED} or {@link #READ_AFTER_RESTORE}. */
    public static final String RESTORED_READ_FACT = "restored_read";
    public static final String READ_WHILE_COPIED = "read back while copy_backup wrote it";
    public static final String READ_AFTER_RESTORE = "read after the restore";

    private final ManifestLoader manifests = new ManifestLoader();
    private final BackupDigestCheck digest = new BackupDigestCheck();
    private final BackupPayloadCheck payload = new BackupPayloadCheck();
    private final SbomCheck sbom = new SbomCheck();
    private final ProvenanceCheck provenance = new ProvenanceCheck();
    private final RestoreRunner restore;
    private final PolicyGate policies = new PolicyGate();

    public Drill(RestoreRunner restore) {
        this.restore = restore;
    }

    @Override
    public Manifest loadManifest(Path path) {
        return manifests.load(path);
    }

    @Override
    public Manifest reloadManifest(Path path, String expectedSha256) {
        Manifest manifest;
        try {
            manifest = manifests.load(path);
        } catch (RuntimeException e) {
            throw new DrDrillError("manifest can no longer be read: " + e.getMessage(), e);
        }
        if (!manifest.sha256().equals(expectedSha256)) {
            throw new DrDrillError("manifest " + path + " changed while the drill ran (sha256:" + expectedSha256
                    + " at start, sha256:" + manifest.sha256() + " now)");
        }
        return manifest;
    }

    @Override
    public StepResult run(StepName step, DrillContext context) {
        Manifest manifest = context.manifest();
        Manifest.Backup backup = manifest.backup();
        return switch (step) {
            case VERIFY_BACKUP_DIGEST -> digest.verify(backup.path(), backup.sha256(), backup.format(),
                    context.progress());
            case VERIFY_BACKUP_PAYLOAD -> payload.verify(backup.path(), backup.format(), backup.sha256(),
                    context.backupReading(), context.progress());
            case VALIDATE_SBOM -> sbom.verify(manifest.sbom(), backup.sha256());
            case VALIDATE_PROVENANCE -> provenance.verify(manifest.provenance(), backup.sha256());
            case RESTORE_ARTIFACT -> restored(restore.restore(manifest, context.evidenceDir().resolve(RestoreRunner.LOG_DIR),
                    context.progress()));
            case VALIDATE_RESTORED_BACKUP -> checked(manifest, validateRestored(manifest, context.restoredFileKey(),
                    context.restoredReading(), context.progress()), context.evidenceDir().resolve(RestoreRunner.LOG_DIR));
            case ENFORCE_POLICIES -> policies.enforce(manifest.policies(), backup.capturedAt(), context.now(),
                    context.rtoSeconds().orElseThrow(() -> new DrDrillError("no restore duration was recorded")));
        };
    }

    private static StepResult restored(RestoreResult result) {
        double rto = Numbers.round(result.durationSeconds(), 3);
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("rto_seconds", rto);
        facts.put("restored_file", result.restoredFile().toString());
        result.stdoutLog().ifPresent(log -> facts.put(RestoreRunner.STDOUT_FACT, log.toString()));
        result.stderrLog().ifPresent(log -> facts.put(RestoreRunner.STDERR_FACT, log.toString()));
        result.containment().ifPresent(how -> facts.put(RestoreRunner.CONTAINMENT_FACT, how.label()));
        return new StepResult("restored " + result.restoredFile().getFileName() + " in " + Numbers.format(rto) + "s",
                facts, StepResult.Measures.restore(rto, result.restoredFileKey(), result.readBack()));
    }

    /**
     * A restore must produce its own bytes: a symbolic link to the backup, or a hard link (the same device and
     * inode) to the backup or any other input, would pass a digest check while nothing was restored.
     */
    private static void requireOwnBytes(Manifest manifest, Path restored) {
        if (Files.isSymbolicLink(restored)) {
            String target;
            try {
                target = String.valueOf(Files.readSymbolicLink(restored));
            } catch (IOException e) {
                target = "?";
            }
            throw new DrDrillError("restored backup " + restored + " is a symbolic link (to " + target
                    + "), not a restored copy: a link is no restore");
        }
        if (!Files.isRegularFile(restored, LinkOption.NOFOLLOW_LINKS)) {
            throw new DrDrillError("restored backup " + restored + " does not exist");
        }
        for (DrillInputs.Input input : DrillInputs.of(manifest)) {
            if (input.field().equals(DrillInputs.RESTORED_COPY)) {
                continue;
            }
            try {
                if (Files.exists(input.path()) && Files.isSameFile(restored, input.path())) {
                    throw new DrDrillError("restored backup " + restored + " is the same file (device and inode) as "
                            + input.field() + " " + input.path() + ": a hard link is no restore");
                }
            } catch (IOException e) {
                throw new DrDrillError("restored backup " + restored + " cannot be compared with " + input.field()
                        + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Once the restored copy is proven, the manifest's post-restore checks run ({@link PostRestoreChecks}); each
     * one's outcome is a fact of this step, and the first that fails fails the step, naming the check.
     */
    private StepResult checked(Manifest manifest, StepResult restored, Path logDir) {
        PostRestoreChecks.removeStaleLogs(manifest, logDir);
        if (manifest.restore().checks().isEmpty()) {
            return restored;
        }
        List<CheckOutcome> outcomes = restore.checks().run(manifest, logDir);
        Map<String, Object> facts = new LinkedHashMap<>(restored.facts());
        facts.put(PostRestoreChecks.FACT, outcomes.stream().map(CheckOutcome::toFact).toList());
        for (CheckOutcome outcome : outcomes) {
            if (outcome.status() == CheckOutcome.Status.FAILED) {
                throw new DrDrillError(PostRestoreChecks.failure(outcome), facts);
            }
        }
        return new StepResult(restored.notes() + "; " + outcomes.size() + " post-restore check"
                + (outcomes.size() == 1 ? "" : "s") + " passed", facts, restored.measures());
    }

    /**
     * The restored copy's digest equals the manifest's. The copy {@code restore_artifact} read back while it
     * wrote it ({@link RestoredReading}) is not read again while it is provably that file: the same identity on
     * this machine (device and inode, size, modification and status change time, host and boot). Anything else
     * (a recall script restored it, the file was written or replaced since, another machine) is read here.
     */
    private static StepResult validateRestored(Manifest manifest, Optional<String> restoredFileKey,
                                               Optional<RestoredReading> readBack, Progress progress) {
        Path restored = manifest.restore().restoredFile(manifest.backup().path());
        requireOwnBytes(manifest, restored);
        try {
            if (restoredFileKey.isPresent() && !restoredFileKey.get().equals(FileIdentity.of(restored))) {
                throw new DrDrillError("restored backup " + restored + " was replaced after this drill restored it "
                        + "(another drill of the same manifest?)");
            }
        } catch (IOException e) {
            throw new DrDrillError("restored backup " + restored + " cannot be read: " + e.getMessage(), e);
        }
        String actual;
        String identity;
        boolean readWhileCopied;
        try {
            String before = FileIdentity.onThisMachine(restored);
            Optional<RestoredReading> same = readBack.filter(reading -> reading.identity().equals(before));
            readWhileCopied = same.isPresent();
            actual = readWhileCopied ? same.get().sha256() : Sha256.of(restored, progress);
            identity = readWhileCopied ? before : FileIdentity.onThisMachine(restored);
            if (!identity.equals(before)) {
                throw new DrDrillError("restored backup " + restored + " changed while it was hashed ("
                        + FileIdentity.change(before, identity) + ")");
            }
        } catch (IOException e) {
            throw new DrDrillError("restored backup " + restored + " cannot be read: " + e.getMessage(), e);
        }
        if (!actual.equals(manifest.backup().sha256())) {
            throw new DrDrillError("restored backup digest mismatch: expected sha256:" + manifest.backup().sha256()
                    + ", got sha256:" + actual);
        }
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("restored_sha256", "sha256:" + actual);
        facts.put(RESTORED_READ_FACT, readWhileCopied ? READ_WHILE_COPIED : READ_AFTER_RESTORE);
        // the attestation takes the digest from here while the file keeps this identity
        facts.put(RESTORED_IDENTITY_FACT, identity);
        return new StepResult("restored copy " + restored.getFileName() + " matches sha256:" + actual, facts);
    }
}
