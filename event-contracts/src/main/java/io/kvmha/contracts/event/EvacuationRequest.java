package io.kvmha.contracts.event;

import java.time.Instant;
import java.util.List;

/** The failover service asks the scheduler where the VMs of failed hosts should run. */
public record EvacuationRequest(
        String requestId,
        String incidentId,
        List<String> failedHostIds,
        Instant requestedAt) implements KvmHaEvent {

    public EvacuationRequest {
        Required.field(requestId, "requestId");
        Required.field(incidentId, "incidentId");
        Required.field(requestedAt, "requestedAt");
        failedHostIds = Required.list(failedHostIds);
        if (failedHostIds.isEmpty()) {
            throw new MissingFieldException("failedHostIds");
        }
    }

    @Override
    public String key() {
        return requestId;
    }
}
