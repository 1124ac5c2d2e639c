package io.kvmha.contracts.event;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The desired state of one VM, owned by the scheduler. Compacted by VM id; a tombstone deletes it.
 * {@code vmId} is also the libvirt domain UUID, so every host names the VM the same way.
 *
 * @param numaNodes          guest NUMA cells; null = automatic (one host cell when the VM fits one, else
 *                           the fewest cells that fit, split evenly); n = exactly n host cells, vCPUs and
 *                           memory split evenly (as Nova's {@code hw:numa_nodes})
 * @param cpuPolicy          null = {@link CpuPolicy#SHARED}
 * @param cpuThreadPolicy    only for {@link CpuPolicy#DEDICATED}; null = {@link CpuThreadPolicy#PREFER}
 * @param hugepageSizeKib    back guest memory with hugepages of this size (2048, 1048576); null = small pages
 * @param affinityGroups     VMs sharing a group run on the same host
 * @param antiAffinityGroups VMs sharing a group never run on the same host
 * @param hostLabels         labels a host must carry (all of them, equal values) to take this VM
 */
public record VmSpec(
        String vmId,
        String name,
        int vcpus,
        long memoryMib,
        Tier tier,
        HaPolicy haPolicy,
        int priority,
        Map<String, String> labels,
        Instant createdAt,
        @Nullable Integer numaNodes,
        @Nullable CpuPolicy cpuPolicy,
        @Nullable CpuThreadPolicy cpuThreadPolicy,
        @Nullable Long hugepageSizeKib,
        List<String> affinityGroups,
        List<String> antiAffinityGroups,
        Map<String, String> hostLabels) implements KvmHaEvent {

    public VmSpec {
        Required.field(vmId, "vmId");
        Required.field(name, "name");
        Required.field(tier, "tier");
        Required.field(haPolicy, "haPolicy");
        Required.field(createdAt, "createdAt");
        if (vcpus < 1) {
            throw new IllegalArgumentException("vcpus must be at least 1, was " + vcpus);
        }
        if (memoryMib < 1) {
            throw new IllegalArgumentException("memoryMib must be at least 1, was " + memoryMib);
        }
        labels = Required.map(labels);
        affinityGroups = Required.list(affinityGroups);
        antiAffinityGroups = Required.list(antiAffinityGroups);
        hostLabels = Required.map(hostLabels);
    }

    /** The walking-skeleton spec: automatic NUMA, shared CPUs, small pages, no groups, any host. */
    public VmSpec(String vmId, String name, int vcpus, long memoryMib, Tier tier, HaPolicy haPolicy, int priority,
                  Map<String, String> labels, Instant createdAt) {
        this(vmId, name, vcpus, memoryMib, tier, haPolicy, priority, labels, createdAt, null, null, null, null,
                List.of(), List.of(), Map.of());
    }

    @Override
    public String key() {
        return vmId;
    }

    /** {@link #cpuPolicy} with its default. */
    public CpuPolicy effectiveCpuPolicy() {
        return cpuPolicy == null ? CpuPolicy.SHARED : cpuPolicy;
    }

    /** {@link #cpuThreadPolicy} with its default. */
    public CpuThreadPolicy effectiveCpuThreadPolicy() {
        return cpuThreadPolicy == null ? CpuThreadPolicy.PREFER : cpuThreadPolicy;
    }

    /** How vCPUs use host CPUs. */
    public enum CpuPolicy {
        /** vCPUs float over the CPUs of their host cells; overcommitted by the CPU allocation ratio. */
        SHARED,
        /** Each vCPU is pinned to its own host CPU; never overcommitted. */
        DEDICATED
    }

    /** For dedicated CPUs: how hyperthread siblings are used (Nova's {@code hw:cpu_thread_policy}). */
    public enum CpuThreadPolicy {
        /** Prefer sibling threads of one core for consecutive vCPUs; take any free CPU otherwise. */
        PREFER,
        /** Each vCPU gets a whole core; its sibling threads are reserved, idle. */
        ISOLATE,
        /** vCPUs are placed on sibling threads of whole free cores only. */
        REQUIRE
    }
}
