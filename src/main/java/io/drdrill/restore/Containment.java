package io.drdrill.restore;

/**
 * How strongly the recall script was kept from outliving its restore, so that a drill can report it: only the
 * namespace kinds guarantee that nothing the script started survives it or the drill's JVM.
 */
public enum Containment {

    /**
     * The script is PID 1 of a PID namespace of its own (the JVM runs as root): when the script exits or is killed,
     * the kernel kills every process left in the namespace, whatever session or process group it moved to, and a
     * parent-death signal takes the namespace down when the JVM dies.
     */
    PID_NAMESPACE("pid-namespace"),

    /**
     * As {@link #PID_NAMESPACE}, inside a new user namespace, which is what lets a non-root JVM create the PID
     * namespace. The script keeps its own uid where util-linux can map it ({@code --map-current-user}), else it
     * runs as root of that namespace ({@code --map-root-user}); set-uid programs gain no privileges in it.
     */
    USER_PID_NAMESPACE("user+pid-namespace"),

    /**
     * No namespace could be created: the script leads a session of its own, and its process group and the
     * descendants Java can still see are killed. A process that moves to another session or process group and is
     * re-parented escapes; if the JVM dies, only the script itself is killed.
     */
    PROCESS_GROUP("process-group"),

    /** Not even {@code setsid}: only the descendants Java can still see are killed. */
    DESCENDANTS("descendants");

    private final String label;

    Containment(String label) {
        this.label = label;
    }

    /** The name used in reports: {@code pid-namespace}, {@code user+pid-namespace}, {@code process-group}, ... */
    public String label() {
        return label;
    }

    /** Whether the kernel itself kills every process the script left behind (a PID namespace). */
    public boolean complete() {
        return this == PID_NAMESPACE || this == USER_PID_NAMESPACE;
    }

    @Override
    public String toString() {
        return label;
    }
}
