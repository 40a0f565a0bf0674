package io.drdrill.restore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Kills what is left of a recall: the PID namespace it runs in or, where there is none, the process, every
 * descendant it has and (when it leads its own session) its whole process group.
 */
final class ProcessTree {

    private static final long WAIT_SECONDS = 5;

    // Processes are killed through their ProcessHandle: Process.destroyForcibly() would also close the pipes
    // the log readers are still draining.

    private ProcessTree() {
    }

    /**
     * Kills a recall run by a namespace wrapper ({@link RecallWrapper}): SIGKILL to the namespace's PID 1 (the
     * wrapper's child) makes the kernel kill everything else in the namespace, and SIGKILL to the wrapper covers a
     * PID 1 not forked yet ({@code --kill-child}). Returns once PID 1 is gone, so once the namespace is empty.
     *
     * @return how many processes of the recall (PID 1 and everything below it) were still alive
     */
    static int killNamespace(Process wrapper) {
        List<ProcessHandle> init = wrapper.children().toList();
        int alive = (int) wrapper.descendants().filter(ProcessHandle::isAlive).count();
        init.forEach(ProcessHandle::destroyForcibly);
        // unshare reaps PID 1 only after the kernel has emptied the namespace, then exits itself
        waitFor(wrapper);
        wrapper.toHandle().destroyForcibly();
        waitFor(wrapper);
        init.forEach(ProcessTree::awaitGone);
        return alive;
    }

    /** @return how many processes were still alive and were signalled */
    static int kill(Process process, boolean leadsProcessGroup) {
        List<ProcessHandle> descendants = process.descendants().toList();
        int alive = (process.isAlive() ? 1 : 0) + (int) descendants.stream().filter(ProcessHandle::isAlive).count();
        if (leadsProcessGroup) {
            killGroup(process.pid());
        }
        descendants.forEach(ProcessHandle::destroyForcibly);
        process.toHandle().destroyForcibly();
        waitFor(process);
        return alive;
    }

    private static void waitFor(Process process) {
        try {
            process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits until a process that is not our child has exited. Its new parent may be slow to reap it; a zombie has
     * finished exiting (for a namespace's PID 1: the namespace is already empty), so it counts as gone.
     */
    private static void awaitGone(ProcessHandle handle) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (handle.isAlive() && !isZombie(handle.pid()) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static boolean isZombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String state = stat.substring(stat.lastIndexOf(')') + 1).strip();
            return state.startsWith("Z") || state.startsWith("X");
        } catch (IOException | RuntimeException e) {
            return true; // gone
        }
    }

    /** SIGKILL to the group also reaches children that were re-parented after their parent died. */
    private static void killGroup(long pgid) {
        try {
            Process kill = new ProcessBuilder("kill", "-KILL", "--", "-" + pgid)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            kill.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            // fall back to killing the descendants we could see
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
