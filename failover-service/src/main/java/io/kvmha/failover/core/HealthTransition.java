package io.kvmha.failover.core;

import io.kvmha.contracts.event.HostState;
import java.time.Instant;
import java.util.List;

/**
 * One step of a host's state machine and why it was taken.
 *
 * @param lastHeartbeatAt receive time of the host's latest heartbeat (start of the detection clock)
 */
public record HealthTransition(String hostId, HostState from, HostState to, List<String> evidence, Instant at,
                               Instant lastHeartbeatAt) {

    public HealthTransition {
        evidence = List.copyOf(evidence);
    }
}
