package io.drdrill.backup;

import io.drdrill.step.DrDrillError;
import io.drdrill.step.Progress;
import io.drdrill.step.Sha256;
import io.drdrill.step.StepResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code verify_backup_digest}: the backup exists and its streamed SHA-256 equals the manifest's. */
public final class BackupDigestCheck {

    public StepResult verify(Path backup, String expectedSha256) {
        return verify(backup, expectedSha256, Progress.NONE);
    }

    public StepResult verify(Path backup, String expectedSha256, Progress progress) {
        if (!Files.isRegularFile(backup)) {
            throw new DrDrillError("backup " + backup + " does not exist or is not a regular file");
        }
        String actual;
        long size;
        try {
            size = Files.size(backup);
            actual = Sha256.of(backup, progress);
        } catch (IOException e) {
            throw new DrDrillError("backup " + backup + " cannot be read: " + e.getMessage(), e);
        }
        if (!actual.equals(expectedSha256)) {
            throw new DrDrillError("backup digest mismatch: expected sha256:" + expectedSha256
                    + ", got sha256:" + actual);
        }
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("backup_sha256", "sha256:" + actual);
        facts.put("backup_bytes", size);
        return new StepResult("sha256:" + actual + " matches the manifest (" + size + " bytes)", facts);
    }
}
