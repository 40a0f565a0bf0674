package io.drdrill.process;

import io.drdrill.manifest.RestoreSite;
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
 * @param inProcessSite   the recovery site whose restores a server's in-process worker serves (default
 *                        {@value RestoreSite#DEFAULT}); the headless command serves its own drill whatever its site
 * @param workerWaitAlert how long a restore may wait for a worker of its site before an alert says so (default
 *                        15 minutes); the drill goes on waiting
 */
@ConfigurationProperties("drdrill.restore")
public record RestoreWorkerSettings(Boolean inProcessWorker, Duration lock, Duration extendEvery, Integer retries,
                                    Duration retryAfter, Duration poll, String inProcessSite,
                                    Duration workerWaitAlert) {

    public RestoreWorkerSettings {
        inProcessWorker = inProcessWorker == null || inProcessWorker;
        lock = lock == null ? Duration.ofSeconds(60) : lock;
        extendEvery = extendEvery == null ? Duration.ofSeconds(20) : extendEvery;
        retries = retries == null ? 3 : retries;
        retryAfter = retryAfter == null ? Duration.ofSeconds(30) : retryAfter;
        poll = poll == null ? Duration.ofMillis(500) : poll;
        inProcessSite = inProcessSite == null ? RestoreSite.DEFAULT : inProcessSite;
        workerWaitAlert = workerWaitAlert == null ? Duration.ofMinutes(15) : workerWaitAlert;
        String badSite = RestoreSite.problem(inProcessSite);
        if (badSite != null) {
            throw new IllegalArgumentException("drdrill.restore.in-process-site: " + badSite);
        }
        if (workerWaitAlert.isNegative() || workerWaitAlert.isZero()) {
            throw new IllegalArgumentException("drdrill.restore.worker-wait-alert must be a positive duration");
        }
        if (lock.isNegative() || lock.isZero() || extendEvery.compareTo(lock) >= 0) {
            throw new IllegalArgumentException("drdrill.restore.extend-every must be shorter than drdrill.restore.lock");
        }
    }

    public static RestoreWorkerSettings defaults() {
        return new RestoreWorkerSettings(null, null, null, null, null, null, null, null);
    }
}
