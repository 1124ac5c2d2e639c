package io.kvmha.failover.core;

import io.kvmha.contracts.event.RecoveryRecord;
import java.time.Instant;
import java.util.List;

/**
 * An immutable copy of an {@link Incident}, safe to hand to other threads (REST, metrics).
 *
 * @param evidence        why the host was declared failed
 * @param lastHeartbeatAt receive time of the host's last heartbeat before it was declared down
 * @param closedAt        when the incident reached RECOVERED, PARTIAL or FAILED; null while OPEN
 */
public record IncidentSnapshot(String incidentId, String hostId, RecoveryRecord.Status status, String fencing,
                               List<String> evidence, Instant lastHeartbeatAt, Instant detectedAt,
                               String requestId, Instant closedAt, Instant updatedAt,
                               List<RecoveryRecord.TimelineEntry> timeline, List<RecoveryRecord.VmRecovery> vms) {

    public IncidentSnapshot {
        evidence = List.copyOf(evidence);
        timeline = List.copyOf(timeline);
        vms = List.copyOf(vms);
    }

    /** The incident as the decision-log event. */
    public RecoveryRecord toRecord() {
        return new RecoveryRecord(incidentId, hostId, status, fencing, timeline, vms, updatedAt, requestId, lastHeartbeatAt);
    }
}
