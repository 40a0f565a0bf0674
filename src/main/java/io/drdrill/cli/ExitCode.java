package io.drdrill.cli;

import io.drdrill.evidence.DrillStatus;

/** Exit codes of {@code dr-drill run}: distinct per kind of outcome, so pipelines can react to each. */
public enum ExitCode {
    PASSED(0),
    FAILED(1),
    INVALID(2),
    POLICY_VIOLATION(3),
    /** The drill could not be carried out at all (engine or database unavailable, evidence not writable). */
    ERROR(4);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static ExitCode of(DrillStatus status) {
        return switch (status) {
            case PASSED -> PASSED;
            case FAILED -> FAILED;
            case INVALID -> INVALID;
            case POLICY_VIOLATION -> POLICY_VIOLATION;
            case RUNNING -> ERROR;
        };
    }
}
