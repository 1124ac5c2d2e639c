package io.kvmha.scheduler.core;

import io.kvmha.contracts.event.HostInventory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A host's NUMA layout as the ledger needs it, derived once from its inventory: per cell the CPUs, the
 * cores (groups of hyperthread siblings), memory and hugepage pools. An inventory without cells (or a
 * cell without CPUs) is read as one cell holding everything, each CPU its own core.
 */
public final class HostTopology {

    private final Cell[] cells;

    private HostTopology(Cell[] cells) {
        this.cells = cells;
    }

    public static HostTopology of(HostInventory inventory) {
        List<HostInventory.NumaCell> listed = inventory.numaCells().stream()
                .sorted(Comparator.comparingInt(HostInventory.NumaCell::id)).toList();
        boolean described = !listed.isEmpty() && listed.stream().allMatch(c -> !c.cpus().isEmpty());
        if (!described) {
            int[] cpus = new int[Math.max(0, inventory.cpus())];
            Arrays.setAll(cpus, i -> i);
            long[][] pools = listed.size() == 1 ? pools(listed.get(0)) : new long[][] {{}, {}};
            int id = listed.size() == 1 ? listed.get(0).id() : 0;
            return new HostTopology(new Cell[] {new Cell(id, cpus, singleThreadCores(cpus), inventory.memoryBytes(),
                    pools[0], pools[1])});
        }
        Cell[] cells = new Cell[listed.size()];
        for (int i = 0; i < cells.length; i++) {
            HostInventory.NumaCell c = listed.get(i);
            int[] cpus = c.cpus().stream().mapToInt(HostInventory.Cpu::id).sorted().toArray();
            Map<Long, List<Integer>> byCore = new LinkedHashMap<>();
            c.cpus().stream().sorted(Comparator.comparingInt(HostInventory.Cpu::id)).forEach(cpu ->
                    byCore.computeIfAbsent(((long) cpu.socketId() << 32) | (cpu.coreId() & 0xffffffffL),
                            k -> new ArrayList<>()).add(cpu.id()));
            int[][] cores = byCore.values().stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray())
                    .toArray(int[][]::new);
            long[][] pools = pools(c);
            cells[i] = new Cell(c.id(), cpus, cores, c.memoryBytes(), pools[0], pools[1]);
        }
        return new HostTopology(cells);
    }

    private static long[][] pools(HostInventory.NumaCell cell) {
        List<HostInventory.HugepagePool> pools = cell.hugepages().stream()
                .filter(p -> p.pageSizeKib() > 4 && p.total() > 0)
                .sorted(Comparator.comparingLong(HostInventory.HugepagePool::pageSizeKib)).toList();
        return new long[][] {
            pools.stream().mapToLong(HostInventory.HugepagePool::pageSizeKib).toArray(),
            pools.stream().mapToLong(HostInventory.HugepagePool::total).toArray()};
    }

    private static int[][] singleThreadCores(int[] cpus) {
        int[][] cores = new int[cpus.length][];
        for (int i = 0; i < cpus.length; i++) {
            cores[i] = new int[] {cpus[i]};
        }
        return cores;
    }

    public int cellCount() {
        return cells.length;
    }

    public Cell cell(int index) {
        return cells[index];
    }

    /** Index of the cell with this id, or -1. */
    public int indexOf(int cellId) {
        for (int i = 0; i < cells.length; i++) {
            if (cells[i].id == cellId) {
                return i;
            }
        }
        return -1;
    }

    /**
     * One NUMA cell. Hugepage pools are fixed at boot: their memory is not available as small pages.
     *
     * @param cores       hyperthread sibling groups, each listing CPU ids of this cell
     * @param pageSizesKib hugepage sizes present, ascending; {@code pageTotals} the pool sizes
     */
    public record Cell(int id, int[] cpus, int[][] cores, long memoryBytes, long[] pageSizesKib, long[] pageTotals) {

        /** Index of the pool of this page size, or -1. */
        public int poolIndex(long pageSizeKib) {
            for (int i = 0; i < pageSizesKib.length; i++) {
                if (pageSizesKib[i] == pageSizeKib) {
                    return i;
                }
            }
            return -1;
        }

        /** Memory reserved by hugepage pools. */
        public long hugepageBytes() {
            long bytes = 0;
            for (int i = 0; i < pageSizesKib.length; i++) {
                bytes += pageSizesKib[i] * 1024 * pageTotals[i];
            }
            return bytes;
        }

        public int maxCpuId() {
            return cpus.length == 0 ? -1 : cpus[cpus.length - 1];
        }
    }
}
