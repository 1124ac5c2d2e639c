package io.kvmha.scheduler.core;

import io.kvmha.contracts.event.EvacuationRequest;
import java.util.List;

/**
 * What an evacuation request asks of the placer: the restart of the protected VMs of failed hosts, or, with
 * {@code vmIds}, the re-placement of those VMs away from {@code excludeHostIds}. The placer's own value, so the
 * scheduler never builds a request event it does not publish.
 */
public record EvacuationAsk(String requestId, String incidentId, List<String> failedHostIds, List<String> vmIds,
                            List<String> excludeHostIds) {

    public EvacuationAsk {
        failedHostIds = List.copyOf(failedHostIds);
        vmIds = List.copyOf(vmIds);
        excludeHostIds = List.copyOf(excludeHostIds);
    }

    public static EvacuationAsk of(EvacuationRequest request) {
        return new EvacuationAsk(request.requestId(), request.incidentId(), request.failedHostIds(), request.vmIds(),
                request.excludeHostIds());
    }
}
