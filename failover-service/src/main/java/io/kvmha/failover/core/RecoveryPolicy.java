package io.kvmha.failover.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How the coordinator recovers a failed host's VMs.
 *
 * @param maxConcurrentStarts start commands in flight across the cluster, all incidents together (default 32):
 *                            later VMs wait for a slot (best tier first), so a big failure does not start
 *                            everything at once
 * @param maxStartsPerHost    start commands in flight per target host (default 4), so one survivor is not
 *                            flooded
 * @param commandDeadline     how long an agent may still execute a start command after it was issued
 *                            (default 60 s); a later delivery is refused by the agent
 * @param issuedBy            the {@code issuedBy} of commands this service issues
 * @param planTimeout         an evacuation request without a plan after this long is sent again (default 10 s;
 *                            same request id: the scheduler answers a request id it knows with the same plan)
 * @param planAttempts        requests sent in all before a critical alert (default 3); the incident stays open
 * @param maxStartHosts       hosts a VM's start is tried on before it is given up with a critical alert (default 3):
 *                            a failed start is re-placed by the scheduler excluding the hosts that failed
 * @param startTimeout        a start without a final result after this long counts as failed, and a drain move not
 *                            heard of for this long is FAILED (default 90 s: the
 *                            command deadline, after which agents refuse it, plus time for a start begun just
 *                            before it)
 * @param tierWait            tier order across the cluster: a VM's start is issued only once no VM of a better tier
 *                            waits or is starting in any incident, no incident detected within this long still lacks
 *                            its plan (its VMs may be gold), and no host that became SUSPECT within this long carries HA VMs of a
 *                            better tier; a better-tier start hanging longer than this stops holding others back, a long
 *                            queue does not (default 5 s; 0 = best tier first among those ready, without waiting for
 *                            starts to finish)
 */
public record RecoveryPolicy(int maxConcurrentStarts, int maxStartsPerHost, Duration commandDeadline, String issuedBy,
                             Duration planTimeout, int planAttempts, int maxStartHosts, Duration startTimeout,
                             Duration tierWait) {

    public static final Duration DEFAULT_TIER_WAIT = Duration.ofSeconds(5);

    public static final String SERVICE = "failover-service";
    /** The incident's fencing field until the fencing outcome is known. */
    public static final String FENCING_PENDING = "pending";
    public static final RecoveryPolicy DEFAULT = new RecoveryPolicy(32, 4, Duration.ofSeconds(60), SERVICE);

    /** A policy with the default per-host limit. */
    public RecoveryPolicy(int maxConcurrentStarts, Duration commandDeadline, String issuedBy) {
        this(maxConcurrentStarts, 4, commandDeadline, issuedBy);
    }

    /** A policy with the default plan timeout, retries and start timeout. */
    public RecoveryPolicy(int maxConcurrentStarts, int maxStartsPerHost, Duration commandDeadline, String issuedBy) {
        this(maxConcurrentStarts, maxStartsPerHost, commandDeadline, issuedBy, Duration.ofSeconds(10), 3, 3,
                commandDeadline.plusSeconds(30));
    }

    /** A policy with the default tier wait. */
    public RecoveryPolicy(int maxConcurrentStarts, int maxStartsPerHost, Duration commandDeadline, String issuedBy,
                          Duration planTimeout, int planAttempts, int maxStartHosts, Duration startTimeout) {
        this(maxConcurrentStarts, maxStartsPerHost, commandDeadline, issuedBy, planTimeout, planAttempts, maxStartHosts,
                startTimeout, DEFAULT_TIER_WAIT);
    }

    public RecoveryPolicy {
        Objects.requireNonNull(planTimeout, "planTimeout");
        Objects.requireNonNull(startTimeout, "startTimeout");
        Objects.requireNonNull(tierWait, "tierWait");
        if (tierWait.isNegative()) {
            throw new IllegalArgumentException("tierWait must not be negative, was " + tierWait);
        }
        if (planAttempts < 1 || maxStartHosts < 1) {
            throw new IllegalArgumentException("planAttempts and maxStartHosts must be at least 1");
        }
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
