package io.kvmha.failover.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How the coordinator recovers a failed host's VMs.
 *
 * @param maxConcurrentStarts start commands in flight across the cluster, all incidents together (default 8):
 *                            later VMs wait for a slot (best tier first), so a big failure does not start
 *                            everything at once
 * @param maxStartsPerHost    start commands in flight per target host (default 4), so one survivor is not
 *                            flooded
 * @param commandDeadline     how long an agent may still execute a start command after it was issued
 *                            (default 60 s); a later delivery is refused by the agent
 * @param issuedBy            the {@code issuedBy} of commands this service issues
 */
public record RecoveryPolicy(int maxConcurrentStarts, int maxStartsPerHost, Duration commandDeadline, String issuedBy) {

    public static final String SERVICE = "failover-service";
    /** The incident's fencing field until the fencing outcome is known. */
    public static final String FENCING_PENDING = "pending";
    public static final RecoveryPolicy DEFAULT = new RecoveryPolicy(8, 4, Duration.ofSeconds(60), SERVICE);

    /** A policy with the default per-host limit. */
    public RecoveryPolicy(int maxConcurrentStarts, Duration commandDeadline, String issuedBy) {
        this(maxConcurrentStarts, 4, commandDeadline, issuedBy);
    }

    public RecoveryPolicy {
        if (maxConcurrentStarts < 1) {
            throw new IllegalArgumentException("maxConcurrentStarts must be at least 1, was " + maxConcurrentStarts);
        }
        if (maxStartsPerHost < 1) {
            throw new IllegalArgumentException("maxStartsPerHost must be at least 1, was " + maxStartsPerHost);
        }
        Objects.requireNonNull(commandDeadline, "commandDeadline");
        Objects.requireNonNull(issuedBy, "issuedBy");
    }
}
