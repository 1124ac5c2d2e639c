package io.kvmha.failover.core;

import java.time.Duration;
import java.util.Objects;

/**
 * When a host without BMC confirmation counts as fenced.
 *
 * @param selfFenceTimeout the agents' {@code kvmha.agent.self-fence-timeout} (default 10 s): an agent whose
 *                         heartbeats Kafka has not acknowledged for this long kills its HA VMs
 * @param safetyMargin     added on top (default 5 s): clock rates, the agent's kill taking time, a last
 *                         heartbeat acknowledged but not yet read by this service
 */
public record FencingPolicy(Duration selfFenceTimeout, Duration safetyMargin) {

    public static final FencingPolicy DEFAULT = new FencingPolicy(Duration.ofSeconds(10), Duration.ofSeconds(5));

    public FencingPolicy {
        Objects.requireNonNull(selfFenceTimeout, "selfFenceTimeout");
        Objects.requireNonNull(safetyMargin, "safetyMargin");
        if (selfFenceTimeout.isNegative() || selfFenceTimeout.isZero() || safetyMargin.isNegative()) {
            throw new IllegalArgumentException("selfFenceTimeout must be positive and safetyMargin not negative");
        }
    }

    /** How long after the last heartbeat a host that nobody could power off is assumed self-fenced. */
    public Duration selfFenceWait() {
        return selfFenceTimeout.plus(safetyMargin);
    }
}
