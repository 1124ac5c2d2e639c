package io.kvmha.contracts.event;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a host is: its NUMA topology, capacity and software. Published on start and when it changes;
 * compacted by host id, so the latest inventory of every host is always readable.
 *
 * @param simulated    true when the topology comes from configuration (libvirt test driver), not hardware
 * @param migrationUri the libvirt URI other hosts reach this one at for live migration (for example
 *                     {@code qemu+tcp://10.0.0.12/system}); null when the agent was not told one
 */
public record HostInventory(
        String hostId,
        @Nullable String hostUuid,
        @Nullable String libvirtUri,
        @Nullable String cpuModel,
        int cpus,
        long memoryBytes,
        List<NumaCell> numaCells,
        @Nullable String hypervisorType,
        @Nullable String libvirtVersion,
        @Nullable String hypervisorVersion,
        boolean simulated,
        Map<String, String> labels,
        Instant observedAt,
        @Nullable String migrationUri) implements KvmHaEvent {

    public HostInventory {
        Required.field(hostId, "hostId");
        Required.field(observedAt, "observedAt");
        numaCells = Required.list(numaCells);
        labels = Required.map(labels);
    }

    /** An inventory without a migration URI (agents before it existed). */
    public HostInventory(String hostId, @Nullable String hostUuid, @Nullable String libvirtUri, @Nullable String cpuModel,
                         int cpus, long memoryBytes, List<NumaCell> numaCells, @Nullable String hypervisorType,
                         @Nullable String libvirtVersion, @Nullable String hypervisorVersion, boolean simulated,
                         Map<String, String> labels, Instant observedAt) {
        this(hostId, hostUuid, libvirtUri, cpuModel, cpus, memoryBytes, numaCells, hypervisorType, libvirtVersion,
                hypervisorVersion, simulated, labels, observedAt, null);
    }

    @Override
    public String key() {
        return hostId;
    }

    /** One NUMA cell with its CPUs, memory and hugepage pools. */
    public record NumaCell(int id, long memoryBytes, long freeMemoryBytes, List<Cpu> cpus,
                           List<HugepagePool> hugepages) {
        public NumaCell {
            cpus = Required.list(cpus);
            hugepages = Required.list(hugepages);
        }
    }

    /** A logical CPU and where it sits: socket, core and its hyperthread siblings. */
    public record Cpu(int id, int socketId, int coreId, List<Integer> siblings) {
        public Cpu {
            siblings = Required.list(siblings);
        }
    }

    /** Hugepages of one size in one cell. */
    public record HugepagePool(long pageSizeKib, long total, long free) {
    }
}
