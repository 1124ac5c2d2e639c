package io.kvmha.failover.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How the coordinator recovers a failed host's VMs.
 *
 * @param maxConcurrentStarts start commands in flight per incident (default 8): later VMs of the plan
 *                            wait for a slot, so a big host does not start everything at once
 * @param commandDeadline     how long an agent may still execute a start command after it was issued
 *                            (default 60 s); a later delivery is refused by the agent
 * @param issuedBy            the {@code issuedBy} of commands this service issues
 */
public record RecoveryPolicy(int maxConcurrentStarts, Duration commandDeadline, String issuedBy) {

    public static final String SERVICE = "failover-service";
    /** Written to every incident until fencing drivers exist. */
    public static final String NO_FENCING = "UNSAFE: no fencing configured";
    public static final RecoveryPolicy DEFAULT = new RecoveryPolicy(8, Duration.ofSeconds(60), SERVICE);

    public RecoveryPolicy {
        if (maxConcurrentStarts < 1) {
            throw new IllegalArgumentException("maxConcurrentStarts must be at least 1, was " + maxConcurrentStarts);
        }
        Objects.requireNonNull(commandDeadline, "commandDeadline");
        Objects.requireNonNull(issuedBy, "issuedBy");
    }
}
