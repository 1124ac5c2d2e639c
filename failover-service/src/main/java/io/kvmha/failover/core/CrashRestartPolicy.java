package io.kvmha.failover.core;

import java.time.Duration;
import java.util.Objects;

/**
 * VM-level HA: how often a crashed VM is restarted on its own host.
 *
 * @param maxRestarts restarts on the same host within the window (default 3); the next crash raises a
 *                    critical {@code KvmVmCrashLoop} alert instead
 * @param window      the sliding window (default 10 min)
 */
public record CrashRestartPolicy(int maxRestarts, Duration window) {

    public static final CrashRestartPolicy DEFAULT = new CrashRestartPolicy(3, Duration.ofMinutes(10));

    public CrashRestartPolicy {
        Objects.requireNonNull(window, "window");
        if (maxRestarts < 0) {
            throw new IllegalArgumentException("maxRestarts must not be negative, was " + maxRestarts);
        }
    }
}
