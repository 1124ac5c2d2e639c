package io.kvmha.scheduler.core;

import io.kvmha.contracts.event.VmSpec;

/**
 * What one guest NUMA cell needs from one host cell.
 *
 * @param pageSizeKib 0 for small pages, else the hugepage size; {@code pages} then counts pages
 */
public record CellDemand(int vcpus, boolean dedicated, VmSpec.CpuThreadPolicy threadPolicy, long memoryMib,
                         long pageSizeKib, long pages) {

    public long memoryBytes() {
        return Units.mibToBytes(memoryMib);
    }

    /** The demands of a VM split evenly over {@code cells} guest cells (the first cells take any remainder). */
    public static CellDemand[] split(VmSpec spec, int cells) {
        CellDemand[] demands = new CellDemand[cells];
        boolean dedicated = spec.effectiveCpuPolicy() == VmSpec.CpuPolicy.DEDICATED;
        long page = spec.hugepageSizeKib() == null ? 0 : spec.hugepageSizeKib();
        for (int i = 0; i < cells; i++) {
            int vcpus = spec.vcpus() / cells + (i < spec.vcpus() % cells ? 1 : 0);
            long memory = spec.memoryMib() / cells + (i < spec.memoryMib() % cells ? 1 : 0);
            long pages = page == 0 ? 0 : (memory * 1024 + page - 1) / page;
            demands[i] = new CellDemand(vcpus, dedicated, spec.effectiveCpuThreadPolicy(), memory, page, pages);
        }
        return demands;
    }
}
