package io.drdrill.restore;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The command that runs the recall script under the strongest {@link Containment} this machine allows, and the
 * kill that goes with it. Which one works depends on root, util-linux and whether user namespaces are enabled, so
 * it is probed once per JVM by running a trivial command through each candidate in turn.
 *
 * <p>A namespace wrapper is {@code setsid setpriv --pdeathsig KILL unshare [--user --map-…] --pid --fork
 * --kill-child SCRIPT ARGS}: {@code setsid} detaches it from the drill's terminal, {@code setpriv} makes the kernel
 * SIGKILL {@code unshare} when the JVM dies, {@code unshare} forks the script as PID 1 of a new PID namespace and,
 * through {@code --kill-child}, has it SIGKILLed when {@code unshare} dies; when PID 1 dies the kernel kills the
 * whole namespace. {@code unshare} reaps PID 1 only after that, so when the wrapper has exited nothing is left.
 *
 * <p>The parent-death signal fires when the <em>thread</em> that started the process ends, not the JVM: the thread
 * that calls {@link ProcessBuilder#start()} must be the one that waits for the script, as {@link RestoreRunner}
 * does. (Should the JVM die in the microseconds between the start and {@code setpriv}'s {@code prctl}, the signal
 * is lost; the script then still runs in its namespace, and its leftovers still die with it.)
 */
final class RecallWrapper {

    private static final List<Path> BIN_DIRS = List.of(Path.of("/usr/bin"), Path.of("/bin"), Path.of("/usr/sbin"),
            Path.of("/sbin"));
    private static final long PROBE_SECONDS = 5;

    private static volatile RecallWrapper detected;

    private final Containment containment;
    private final List<String> prefix;
    private final boolean leadsProcessGroup;

    private RecallWrapper(Containment containment, List<String> prefix) {
        this.containment = containment;
        this.prefix = List.copyOf(prefix);
        this.leadsProcessGroup = !prefix.isEmpty() && prefix.get(0).endsWith("/setsid");
    }

    /** The strongest wrapper that works here; probed on first use, then the same for the life of the JVM. */
    static RecallWrapper detected() {
        RecallWrapper wrapper = detected;
        if (wrapper == null) {
            synchronized (RecallWrapper.class) {
                wrapper = detected;
                if (wrapper == null) {
                    wrapper = detect();
                    // an interrupted probe proves nothing about the machine: probe again next time
                    if (!Thread.currentThread().isInterrupted()) {
                        detected = wrapper;
                    }
                }
            }
        }
        return wrapper;
    }

    private static RecallWrapper detect() {
        for (RecallWrapper candidate : candidates()) {
            if (candidate.works()) {
                return candidate;
            }
        }
        return new RecallWrapper(Containment.DESCENDANTS, List.of());
    }

    /** Every wrapper worth trying, strongest first; the last one, a bare script, always works. */
    static List<RecallWrapper> candidates() {
        Optional<String> setsid = binary("setsid");
        Optional<String> setpriv = binary("setpriv");
        Optional<String> unshare = binary("unshare");
        List<String> session = setsid.map(List::of).orElse(List.of());
        List<RecallWrapper> candidates = new ArrayList<>();
        if (setpriv.isPresent() && unshare.isPresent()) {
            List<String> dieWithJvm = List.of(setpriv.get(), "--pdeathsig", "KILL");
            List<String> pidNamespace = List.of("--pid", "--fork", "--kill-child");
            candidates.add(new RecallWrapper(Containment.PID_NAMESPACE,
                    concat(session, dieWithJvm, List.of(unshare.get()), pidNamespace)));
            // Keeping the caller's uid (util-linux >= 2.38) beats looking like root: tar and friends behave as for
            // the real user, e.g. they do not try to restore file owners.
            candidates.add(new RecallWrapper(Containment.USER_PID_NAMESPACE,
                    concat(session, dieWithJvm, List.of(unshare.get(), "--user", "--map-current-user"), pidNamespace)));
            candidates.add(new RecallWrapper(Containment.USER_PID_NAMESPACE,
                    concat(session, dieWithJvm, List.of(unshare.get(), "--user", "--map-root-user"), pidNamespace)));
        }
        if (setsid.isPresent()) {
            setpriv.ifPresent(p -> candidates.add(new RecallWrapper(Containment.PROCESS_GROUP,
                    List.of(setsid.get(), p, "--pdeathsig", "KILL"))));
            candidates.add(new RecallWrapper(Containment.PROCESS_GROUP, List.of(setsid.get())));
        }
        setpriv.ifPresent(p -> candidates.add(new RecallWrapper(Containment.DESCENDANTS,
                List.of(p, "--pdeathsig", "KILL"))));
        candidates.add(new RecallWrapper(Containment.DESCENDANTS, List.of()));
        return candidates;
    }

    Containment containment() {
        return containment;
    }

    /** The whole command line: wrapper, then the script and its arguments. */
    List<String> command(List<String> scriptAndArgs) {
        return concat(prefix, scriptAndArgs);
    }

    /**
     * Runs a trivial command through this wrapper. For a namespace it must see itself as PID 1, which proves the
     * namespace exists and every option was understood.
     */
    boolean works() {
        if (prefix.isEmpty()) {
            return true;
        }
        List<String> probe = containment.complete() ? List.of("/bin/sh", "-c", "test $$ = 1") : List.of("true");
        ProcessBuilder builder = new ProcessBuilder(command(probe))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        Map<String, String> env = builder.environment();
        env.clear();
        env.put("PATH", RestoreRunner.SAFE_PATH);
        env.put("LANG", "C.UTF-8");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return false;
        }
        try {
            if (!process.waitFor(PROBE_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return false;
            }
            return process.exitValue() == 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return false;
        }
    }

    /**
     * Kills whatever of the recall is still running and waits for it to be gone.
     *
     * @return how many processes of the recall were still alive and were killed
     */
    int kill(Process process) {
        if (containment.complete()) {
            return ProcessTree.killNamespace(process);
        }
        return ProcessTree.kill(process, leadsProcessGroup);
    }

    @Override
    public String toString() {
        return containment.label() + " " + prefix;
    }

    private static Optional<String> binary(String name) {
        return BIN_DIRS.stream().map(dir -> dir.resolve(name)).filter(Files::isExecutable).findFirst()
                .map(Path::toString);
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        List<String> all = new ArrayList<>();
        for (List<String> part : parts) {
            all.addAll(part);
        }
        return List.copyOf(all);
    }
}
