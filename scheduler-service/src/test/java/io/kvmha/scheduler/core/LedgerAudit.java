package io.kvmha.scheduler.core;

import io.kvmha.contracts.event.HostInventory;
import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.VmSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Recomputes usage from the placements and the raw inventories, independently of {@link HostLedger}'s
 * incremental counters, and lists every broken invariant: a cell over capacity, a CPU pinned twice, a
 * claim that does not add up to its spec, anti-affinity broken.
 */
final class LedgerAudit {

    private LedgerAudit() {
    }

    static List<String> problems(ClusterLedger ledger) {
        List<String> problems = new ArrayList<>();
        AllocationRatios ratios = ledger.ratios();
        for (HostLedger host : ledger.hostArray()) {
            HostInventory inventory = host.inventory();
            Map<Integer, HostInventory.NumaCell> cells = new HashMap<>();
            inventory.numaCells().forEach(c -> cells.put(c.id(), c));
            Map<Integer, Integer> shared = new HashMap<>();
            Map<Integer, Long> memory = new HashMap<>();
            Map<Integer, Long> pages = new HashMap<>();
            Set<Integer> pinned = new HashSet<>();
            Map<String, String> groups = new HashMap<>();
            for (String vmId : ledger.vmIdsPlacedOn(host.hostId())) {
                VmSpec spec = ledger.spec(vmId).orElse(null);
                Placement placement = ledger.placement(vmId).orElseThrow();
                if (spec == null) {
                    continue;
                }
                for (String g : spec.antiAffinityGroups()) {
                    String other = groups.put(g, vmId);
                    if (other != null) {
                        problems.add(host.hostId() + ": anti-affinity group " + g + " holds " + other + " and " + vmId);
                    }
                }
                int vcpus = 0;
                long mib = 0;
                Set<Integer> hostCells = new HashSet<>();
                for (Placement.NumaClaim claim : placement.numaClaims()) {
                    HostInventory.NumaCell cell = cells.get(claim.hostCell());
                    if (cell == null || !hostCells.add(claim.hostCell())) {
                        problems.add(vmId + ": bad or repeated host cell " + claim.hostCell());
                        continue;
                    }
                    Set<Integer> cellCpus = new HashSet<>();
                    cell.cpus().forEach(c -> cellCpus.add(c.id()));
                    vcpus += claim.vcpus().size();
                    mib += claim.memoryMib();
                    boolean dedicated = spec.effectiveCpuPolicy() == VmSpec.CpuPolicy.DEDICATED;
                    if (dedicated && claim.pins().size() != claim.vcpus().size()) {
                        problems.add(vmId + ": dedicated but " + claim.pins().size() + " pins for "
                                + claim.vcpus().size() + " vCPUs");
                    }
                    if (!dedicated) {
                        shared.merge(claim.hostCell(), claim.vcpus().size(), Integer::sum);
                    }
                    List<Integer> taken = new ArrayList<>(claim.isolatedCpus());
                    claim.pins().forEach(p -> taken.add(p.pcpu()));
                    for (int cpu : taken) {
                        if (!cellCpus.contains(cpu)) {
                            problems.add(vmId + ": CPU " + cpu + " is not in host cell " + claim.hostCell());
                        }
                        if (!pinned.add(cpu)) {
                            problems.add(host.hostId() + ": CPU " + cpu + " pinned twice (again by " + vmId + ")");
                        }
                    }
                    if (claim.hugepageSizeKib() != null) {
                        if (claim.hugepages() * claim.hugepageSizeKib() < claim.memoryMib() * 1024) {
                            problems.add(vmId + ": too few hugepages for its memory");
                        }
                        pages.merge(claim.hostCell(), claim.hugepages(), Long::sum);
                    } else {
                        memory.merge(claim.hostCell(), claim.memoryMib(), Long::sum);
                    }
                }
                if (vcpus != spec.vcpus() || mib != spec.memoryMib()) {
                    problems.add(vmId + ": claims give " + vcpus + " vCPUs / " + mib + " MiB, spec asks "
                            + spec.vcpus() + " / " + spec.memoryMib());
                }
            }
            for (HostInventory.NumaCell cell : cells.values()) {
                long poolBytes = cell.hugepages().stream().mapToLong(p -> p.pageSizeKib() * 1024 * p.total()).sum();
                long pageTotal = cell.hugepages().stream().mapToLong(HostInventory.HugepagePool::total).sum();
                long pinnedHere = cell.cpus().stream().filter(c -> pinned.contains(c.id())).count();
                long sharedCap = (long) Math.floor((cell.cpus().size() - pinnedHere) * ratios.cpu());
                long memoryCap = (long) Math.floor((cell.memoryBytes() - poolBytes) * ratios.ram());
                if (shared.getOrDefault(cell.id(), 0) > sharedCap) {
                    problems.add(host.hostId() + " cell " + cell.id() + ": " + shared.get(cell.id())
                            + " shared vCPUs over capacity " + sharedCap);
                }
                if (Units.mibToBytes(memory.getOrDefault(cell.id(), 0L)) > memoryCap) {
                    problems.add(host.hostId() + " cell " + cell.id() + ": memory over capacity");
                }
                if (pages.getOrDefault(cell.id(), 0L) > pageTotal) {
                    problems.add(host.hostId() + " cell " + cell.id() + ": hugepages over the pool");
                }
            }
        }
        return problems;
    }
}
