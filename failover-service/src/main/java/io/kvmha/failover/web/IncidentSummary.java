package io.kvmha.failover.web;

import io.kvmha.contracts.event.RecoveryRecord;
import io.kvmha.failover.core.IncidentSnapshot;
import java.time.Instant;

/** One line of the incident list. */
public record IncidentSummary(String incidentId, String hostId, RecoveryRecord.Status status, String fencing,
                              Instant detectedAt, Instant closedAt, int vms, long vmsStarted) {

    static IncidentSummary of(IncidentSnapshot incident) {
        return new IncidentSummary(incident.incidentId(), incident.hostId(), incident.status(), incident.fencing(),
                incident.detectedAt(), incident.closedAt(), incident.vms().size(),
                incident.vms().stream().filter(vm -> vm.status() == RecoveryRecord.VmStatus.STARTED).count());
    }
}
