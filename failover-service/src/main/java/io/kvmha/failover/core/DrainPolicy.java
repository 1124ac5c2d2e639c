package io.kvmha.failover.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How the scheduler's drains and migrations are carried out.
 *
 * @param parallelism live migrations in flight at once per drained host (default 2, KubeVirt's per-node default)
 * @param deadline    moves not started within this of the drain's start are not started (default 10 min); a move
 *                    placement older than this (a replay after a restart) is not acted on
 */
public record DrainPolicy(int parallelism, Duration deadline) {

    public static final DrainPolicy DEFAULT = new DrainPolicy(2, Duration.ofMinutes(10));

    public DrainPolicy {
        Objects.requireNonNull(deadline, "deadline");
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, was " + parallelism);
        }
    }
}
