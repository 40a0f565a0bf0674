package io.drdrill.restore;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Kills a process, every descendant it has, and (when it leads its own session) its whole process group. */
final class ProcessTree {

    private ProcessTree() {
    }

    /** @return how many processes were still alive and were signalled */
    static int kill(Process process, boolean leadsProcessGroup) {
        List<ProcessHandle> descendants = process.descendants().toList();
        int alive = (process.isAlive() ? 1 : 0) + (int) descendants.stream().filter(ProcessHandle::isAlive).count();
        if (leadsProcessGroup) {
            killGroup(process.pid());
        }
        descendants.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return alive;
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
