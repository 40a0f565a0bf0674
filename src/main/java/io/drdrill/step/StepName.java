package io.drdrill.step;

import java.util.Arrays;
import java.util.Optional;

/** The seven steps of a drill, in the order they run. Their ids appear verbatim in the evidence. */
public enum StepName {
    VERIFY_BACKUP_DIGEST("verify_backup_digest"),
    VERIFY_BACKUP_PAYLOAD("verify_backup_payload"),
    VALIDATE_SBOM("validate_sbom"),
    VALIDATE_PROVENANCE("validate_provenance"),
    RESTORE_ARTIFACT("restore_artifact"),
    VALIDATE_RESTORED_BACKUP("validate_restored_backup"),
    ENFORCE_POLICIES("enforce_policies");

    private final String id;

    StepName(String id) {
        this.id = id;
    }

    /** The step name as it appears in events and reports, e.g. {@code verify_backup_digest}. */
    public String id() {
        return id;
    }

    public static Optional<StepName> byId(String id) {
        return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst();
    }

    @Override
    public String toString() {
        return id;
    }
}
