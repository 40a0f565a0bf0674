package io.drdrill.drill;

/** A drill step found that the backup cannot be trusted or restored. The drill fails at that step. */
public class DrDrillError extends RuntimeException {

    public DrDrillError(String message) {
        super(message);
    }

    public DrDrillError(String message, Throwable cause) {
        super(message, cause);
    }
}
