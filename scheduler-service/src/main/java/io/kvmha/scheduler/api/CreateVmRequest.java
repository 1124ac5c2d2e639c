package io.kvmha.scheduler.api;

import io.kvmha.contracts.event.HaPolicy;
import io.kvmha.contracts.event.Tier;
import io.kvmha.contracts.event.VmSpec;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.List;
import java.util.Map;

/**
 * Body of {@code POST /api/v1/vms}. The name is also the libvirt domain name, hence its pattern.
 *
 * @param haPolicy           RESTART when absent
 * @param priority           0 when absent; higher restarts first within a tier
 * @param numaNodes          guest NUMA cells; absent = automatic (one cell when it fits)
 * @param cpuPolicy          SHARED (default) or DEDICATED
 * @param cpuThreadPolicy    PREFER (default), ISOLATE or REQUIRE; only with DEDICATED
 * @param hugepageSizeKib    2048 or 1048576; absent = small pages
 * @param affinityGroups     VMs sharing a group run on one host
 * @param antiAffinityGroups VMs sharing a group never share a host
 * @param hostLabels         labels a host must carry
 */
public record CreateVmRequest(
        @NotNull @Pattern(regexp = NAME_PATTERN) String name,
        @NotNull @Min(1) @Max(256) Integer vcpus,
        @NotNull @Min(16) @Max(4_194_304) Long memoryMib,
        @NotNull Tier tier,
        HaPolicy haPolicy,
        Integer priority,
        Map<String, @NotNull String> labels,
        @Min(1) @Max(8) Integer numaNodes,
        VmSpec.CpuPolicy cpuPolicy,
        VmSpec.CpuThreadPolicy cpuThreadPolicy,
        Long hugepageSizeKib,
        List<@NotNull String> affinityGroups,
        List<@NotNull String> antiAffinityGroups,
        Map<String, @NotNull String> hostLabels) {

    public static final String NAME_PATTERN = "[a-zA-Z0-9][a-zA-Z0-9._-]{0,62}";

    VmSpec toSpec(String vmId, java.time.Instant createdAt) {
        return new VmSpec(vmId, name, vcpus, memoryMib, tier, haPolicy == null ? HaPolicy.RESTART : haPolicy,
                priority == null ? 0 : priority, labels, createdAt, numaNodes, cpuPolicy, cpuThreadPolicy,
                hugepageSizeKib, affinityGroups, antiAffinityGroups, hostLabels);
    }
}
