package io.drdrill.step;

/**
 * Where a running drill says how far it has got: which step runs, and for the long parts (hashing, copying)
 * how many bytes of how many are done. The headless command shows it on the terminal; elsewhere it goes nowhere.
 */
public interface Progress {

    /** Reports nothing. */
    Progress NONE = new Progress() {
    };

    default void stepStarted(StepName step) {
    }

    /** @param what what is being read, e.g. "hashing backup.json"; called often, from the reading thread */
    default void bytes(String what, long done, long total) {
    }

    /** @param outcome {@code passed}, {@code failed} or {@code policy violation} */
    default void stepEnded(StepName step, String outcome) {
    }
}
