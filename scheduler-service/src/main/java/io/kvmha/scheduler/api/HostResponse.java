package io.kvmha.scheduler.api;

import io.kvmha.contracts.event.HostInventory;
import io.kvmha.contracts.event.HostState;
import io.kvmha.scheduler.core.HostLedger;
import io.kvmha.scheduler.core.HostTopology;
import java.util.ArrayList;
import java.util.List;

/**
 * A host as the API shows it. Capacities have the allocation ratios applied; used amounts come from the
 * placement ledger. {@code liveFreeMemoryBytes} is what the host last reported, for information only.
 */
public record HostResponse(
        String hostId,
        HostState state,
        boolean draining,
        int cpus,
        int vcpuCapacity,
        int claimedVcpus,
        long memoryBytes,
        long memoryCapacityBytes,
        long claimedMemoryBytes,
        long unclaimedMemoryBytes,
        long liveFreeMemoryBytes,
        int vmCount,
        boolean simulated,
        List<CellResponse> cells) {

    /**
     * One NUMA cell: shared vCPUs against their capacity ({@code cpu ratio x unpinned CPUs}), pinned CPUs,
     * small-page memory against its capacity, and hugepages per size.
     */
    public record CellResponse(int cellId, int cpus, int pinnedCpus, List<Integer> pinned, int freeCores,
                               int sharedVcpus, int sharedVcpuCapacity, long memoryCapacityBytes, long memoryUsedBytes,
                               List<HugepageResponse> hugepages) {
    }

    public record HugepageResponse(long pageSizeKib, long total, long used) {
    }

    static HostResponse of(HostLedger host) {
        HostInventory inventory = host.inventory();
        long liveFree = inventory.numaCells().stream().mapToLong(HostInventory.NumaCell::freeMemoryBytes).sum();
        List<CellResponse> cells = new ArrayList<>();
        for (int c = 0; c < host.topology().cellCount(); c++) {
            HostTopology.Cell cell = host.topology().cell(c);
            List<HugepageResponse> pages = new ArrayList<>();
            for (int p = 0; p < cell.pageSizesKib().length; p++) {
                pages.add(new HugepageResponse(cell.pageSizesKib()[p], cell.pageTotals()[p], host.pagesUsed(c, p)));
            }
            List<Integer> pinned = new ArrayList<>();
            for (int cpu : cell.cpus()) {
                if (host.pinned(cpu)) {
                    pinned.add(cpu);
                }
            }
            cells.add(new CellResponse(cell.id(), cell.cpus().length, host.pinnedCount(c), pinned, host.freeCores(c),
                    host.sharedVcpus(c), host.sharedVcpuCapacity(c), host.smallMemoryCapacity(c),
                    host.smallMemoryUsed(c), pages));
        }
        return new HostResponse(host.hostId(), host.state(), host.draining(), inventory.cpus(), host.vcpuCapacity(),
                host.vcpusUsed(), inventory.memoryBytes(), host.memoryCapacityBytes(), host.memoryUsedBytes(),
                host.memoryFreeBytes(), liveFree, host.vmCount(), inventory.simulated(), cells);
    }
}
