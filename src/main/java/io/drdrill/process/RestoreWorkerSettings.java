package io.drdrill.process;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * {@code drdrill.restore.*}: how "Restore at the recovery site" is served on this node.
 *
 * @param inProcessWorker serve the {@code dr-restore} topic in this JVM (default {@code true}): the headless
 *                        command always does, a server does unless the restores are left to external workers
 * @param lock            how long a worker holds a task without extending it (default 60 s): a dead worker's task
 *                        is free again after this
 * @param extendEvery     how often a running restore extends its lock (default 20 s)
 * @param retries         attempts a worker's own failure (not a drill failure) gets before it is an incident
 * @param retryAfter      wait between those attempts
 * @param poll            how often an idle in-process worker of a server asks for tasks
 */
@ConfigurationProperties("drdrill.restore")
public record RestoreWorkerSettings(Boolean inProcessWorker, Duration lock, Duration extendEvery, Integer retries,
                                    Duration retryAfter, Duration poll) {

    public RestoreWorkerSettings {
        inProcessWorker = inProcessWorker == null || inProcessWorker;
        lock = lock == null ? Duration.ofSeconds(60) : lock;
        extendEvery = extendEvery == null ? Duration.ofSeconds(20) : extendEvery;
        retries = retries == null ? 3 : retries;
        retryAfter = retryAfter == null ? Duration.ofSeconds(30) : retryAfter;
        poll = poll == null ? Duration.ofMillis(500) : poll;
        if (lock.isNegative() || lock.isZero() || extendEvery.compareTo(lock) >= 0) {
            throw new IllegalArgumentException("drdrill.restore.extend-every must be shorter than drdrill.restore.lock");
        }
    }

    public static RestoreWorkerSettings defaults() {
        return new RestoreWorkerSettings(null, null, null, null, null, null);
    }
}
