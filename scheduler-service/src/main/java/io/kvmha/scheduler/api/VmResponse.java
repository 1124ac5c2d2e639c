package io.kvmha.scheduler.api;

import io.kvmha.contracts.event.HaPolicy;
import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.Tier;
import io.kvmha.contracts.event.VmSpec;
import java.time.Instant;
import java.util.Map;

/**
 * A VM as the API shows it: its spec and where the ledger currently places it.
 *
 * @param hostId              null while the VM has no placement
 * @param placementGeneration 0 while the VM has no placement
 */
public record VmResponse(
        String vmId,
        String name,
        String hostId,
        Tier tier,
        HaPolicy haPolicy,
        int priority,
        int vcpus,
        long memoryMib,
        Map<String, String> labels,
        long placementGeneration,
        Instant createdAt) {

    static VmResponse of(VmSpec spec, Placement placement) {
        return new VmResponse(spec.vmId(), spec.name(), placement == null ? null : placement.hostId(), spec.tier(),
                spec.haPolicy(), spec.priority(), spec.vcpus(), spec.memoryMib(), spec.labels(),
                placement == null ? 0 : placement.generation(), spec.createdAt());
    }
}
