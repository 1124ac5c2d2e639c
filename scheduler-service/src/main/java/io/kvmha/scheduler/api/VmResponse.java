package io.kvmha.scheduler.api;

import io.kvmha.contracts.event.HaPolicy;
import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.Tier;
import io.kvmha.contracts.event.VmSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A VM as the API shows it: its spec and where the ledger currently places it, with the exact NUMA claim.
 *
 * @param hostId              null while the VM has no placement
 * @param placementGeneration 0 while the VM has no placement
 * @param numaClaims          per guest cell: host cell, vCPUs, pinned CPUs, memory, hugepages
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
        Instant createdAt,
        Integer numaNodes,
        VmSpec.CpuPolicy cpuPolicy,
        VmSpec.CpuThreadPolicy cpuThreadPolicy,
        Long hugepageSizeKib,
        List<String> affinityGroups,
        List<String> antiAffinityGroups,
        Map<String, String> hostLabels,
        List<Placement.NumaClaim> numaClaims) {

    static VmResponse of(VmSpec spec, Placement placement) {
        return new VmResponse(spec.vmId(), spec.name(), placement == null ? null : placement.hostId(), spec.tier(),
                spec.haPolicy(), spec.priority(), spec.vcpus(), spec.memoryMib(), spec.labels(),
                placement == null ? 0 : placement.generation(), spec.createdAt(), spec.numaNodes(),
                spec.effectiveCpuPolicy(), spec.cpuThreadPolicy(), spec.hugepageSizeKib(), spec.affinityGroups(),
                spec.antiAffinityGroups(), spec.hostLabels(), placement == null ? List.of() : placement.numaClaims());
    }
}
