package io.kvmha.contracts.event;

import java.time.Instant;
import java.util.List;

/**
 * The failover service asks the scheduler where the VMs of failed hosts should run.
 *
 * @param vmIds          when not empty, only these VMs (of the failed hosts) are re-placed: a retry of starts
 *                       that failed; empty means every protected VM of the failed hosts
 * @param excludeHostIds hosts the plan must not use besides the failed ones (where those starts failed)
 */
public record EvacuationRequest(
        String requestId,
        String incidentId,
        List<String> failedHostIds,
        Instant requestedAt,
        List<String> vmIds,
        List<String> excludeHostIds) implements KvmHaEvent {

    public EvacuationRequest {
        Required.field(requestId, "requestId");
        Required.field(incidentId, "incidentId");
        Required.field(requestedAt, "requestedAt");
        failedHostIds = Required.list(failedHostIds);
        if (failedHostIds.isEmpty()) {
            throw new MissingFieldException("failedHostIds");
        }
        vmIds = Required.list(vmIds);
        excludeHostIds = Required.list(excludeHostIds);
    }

    /** A request for every protected VM of the failed hosts (the first version). */
    public EvacuationRequest(String requestId, String incidentId, List<String> failedHostIds, Instant requestedAt) {
        this(requestId, incidentId, failedHostIds, requestedAt, List.of(), List.of());
    }

    @Override
    public String key() {
        return requestId;
    }
}
