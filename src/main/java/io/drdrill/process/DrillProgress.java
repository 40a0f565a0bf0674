package io.drdrill.process;

import io.drdrill.step.Progress;
import org.springframework.stereotype.Component;

/**
 * Whom the steps tell how far they got. The headless command, which runs the drill's jobs in its own thread,
 * points it at the terminal for the length of its drill; a server leaves it at {@link Progress#NONE}.
 */
@Component
public class DrillProgress {

    private volatile Progress current = Progress.NONE;

    public Progress current() {
        return current;
    }

    /** @return a handle whose {@code close()} puts back what was there before */
    public Showing use(Progress progress) {
        Progress before = current;
        current = progress;
        return () -> current = before;
    }

    /** While open, the steps report to the progress given to {@link #use}. */
    public interface Showing extends AutoCloseable {
        @Override
        void close();
    }
}
