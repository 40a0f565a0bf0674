package io.drdrill.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Looks at operating-system processes from tests. */
public final class Processes {

    private Processes() {
    }

    /**
     * Whether a process is still running: not gone and not a zombie (a killed orphan stays a zombie until
     * whoever adopted it reaps it). Waits up to five seconds for a process that is being killed to go.
     */
    public static boolean isRunning(long pid) throws InterruptedException {
        for (int attempt = 0; attempt < 50; attempt++) {
            String state;
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                int end = stat.lastIndexOf(')');
                state = stat.substring(end + 2, end + 3);
            } catch (IOException gone) {
                return false;
            }
            if (state.equals("Z") || state.equals("X")) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }
}
