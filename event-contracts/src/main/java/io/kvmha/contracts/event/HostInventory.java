package io.kvmha.contracts.event;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a host is: its NUMA topology, capacity and software. Published on start and when it changes;
 * compacted by host id, so the latest inventory of every host is always readable.
 *
 * @param simulated true when the topology comes from configuration (libvirt test driver), not hardware
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
        Instant observedAt) implements KvmHaEvent {

    public HostInventory {
        Required.field(hostId, "hostId");
        Required.field(observedAt, "observedAt");
        numaCells = Required.list(numaCells);
        labels = Required.map(labels);
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
