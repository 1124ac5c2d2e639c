package io.kvmha.agent.core;

import io.kvmha.contracts.event.HostInventory;
import java.util.ArrayList;
import java.util.List;

/**
 * The NUMA topology of a simulated host, from configuration: the libvirt test driver reports no
 * NUMA cells for a custom host file. One socket per cell, one thread per core, CPU ids numbered
 * across cells, and an empty 2 MiB hugepage pool per cell so placement code sees the pool exists.
 */
public record SimulatedTopology(int numaCells, int cpusPerCell, long memoryPerCellBytes) {

    public SimulatedTopology {
        if (numaCells < 1 || cpusPerCell < 1 || memoryPerCellBytes < 1) {
            throw new IllegalArgumentException("a simulated host needs at least one cell, one CPU and some memory");
        }
    }

    public int cpus() {
        return numaCells * cpusPerCell;
    }

    public long memoryBytes() {
        return numaCells * memoryPerCellBytes;
    }

    public List<HostInventory.NumaCell> cells() {
        List<HostInventory.NumaCell> cells = new ArrayList<>(numaCells);
        for (int cell = 0; cell < numaCells; cell++) {
            List<HostInventory.Cpu> cpus = new ArrayList<>(cpusPerCell);
            for (int core = 0; core < cpusPerCell; core++) {
                int id = cell * cpusPerCell + core;
                cpus.add(new HostInventory.Cpu(id, cell, core, List.of(id)));
            }
            cells.add(new HostInventory.NumaCell(cell, memoryPerCellBytes, memoryPerCellBytes, cpus,
                    List.of(new HostInventory.HugepagePool(2048, 0, 0))));
        }
        return cells;
    }
}
