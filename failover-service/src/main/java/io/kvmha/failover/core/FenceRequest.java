package io.kvmha.failover.core;

import java.time.Instant;
import java.util.List;

/**
 * The core asks an adapter to fence a host (power it off through its BMC and confirm it is off).
 *
 * @param lastHeartbeatAt receive time of the host's last heartbeat: the self-fence clock starts there
 * @param evidence        why the host is being fenced, fused from the detector and the agent's last report
 */
public record FenceRequest(String hostId, String incidentId, Instant lastHeartbeatAt, List<String> evidence) {

    public FenceRequest {
        evidence = List.copyOf(evidence);
    }
}
