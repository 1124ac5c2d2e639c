package io.kvmha.scheduler.core;

import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.Tier;
import io.kvmha.contracts.event.VmSpec;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Places one VM: filters (excluded, ONLINE and not draining, host labels, anti-affinity, affinity, NUMA
 * cell count), an exact NUMA fit per host, and weighers; the winner's claim names host cells, pinned
 * CPUs and hugepages, so nothing downstream re-fits.
 *
 * <p>NUMA shape: an explicit cell count n splits vCPUs and memory evenly over n distinct host cells;
 * automatic tries one cell on every host first, and only when no host fits the VM in one cell the fewest
 * cells that fit (so no VM is spread over cells while some eligible host fits it in one).
 *
 * <p>The fit is exact without trying permutations of host cells: guest cells of an even split are
 * non-increasing in every resource and per-cell checks are monotone, so the sets of host cells fitting
 * each guest cell are nested, and a greedy assignment in guest-cell order finds a fit whenever one
 * exists. Each check is arithmetic on aggregates the ledger keeps per cell (free small memory, free
 * pages, pinned CPUs, whole free cores), and equal guest cells share one check per host cell, so an
 * 8-cell host costs at most 8 x (distinct guest cell sizes) checks, never 8! permutations. Within a host,
 * SPREAD takes the fitting cells with the most free memory (keeping room in every cell for multi-cell and
 * pinned guests; best fit by memory was seen to fill cell 0 of every host and strand 2-cell guests), PACK
 * the tightest (best fit, keeping whole cells free for large single-cell guests).
 *
 * <p>Pure with respect to the ledger: it reads and claims nothing.
 */
public final class PlacementEngine {

    private static final int HOSTS_NAMED_PER_CAUSE = 3;

    private final PlacementPolicy policy;
    private final boolean pack;

    public PlacementEngine(PlacementPolicy policy) {
        this.policy = policy;
        this.pack = policy.mode() == PlacementPolicy.Mode.PACK;
    }

    public PlacementEngine(AllocationRatios ratios) {
        this(new PlacementPolicy(ratios, PlacementPolicy.Mode.SPREAD, 0.5, 0.5));
    }

    public PlacementPolicy policy() {
        return policy;
    }

    public AllocationRatios ratios() {
        return policy.ratios();
    }

    public PlacementDecision place(VmSpec vm, ClusterLedger ledger, Set<String> excluded) {
        return place(vm, ledger, excluded, null);
    }

    /**
     * @param cells the number of guest cells to use (to keep a VM's NUMA shape); null = the spec's request
     */
    public PlacementDecision place(VmSpec vm, ClusterLedger ledger, Set<String> excluded, Integer cells) {
        HostLedger[] hosts = ledger.hostArray();
        List<String> affinityHosts = affinityHosts(vm, ledger, excluded);
        if (affinityHosts == null) {
            return new PlacementDecision.NoHostFits(vm, head(vm) + ": its affinity groups are placed on different hosts",
                    Map.of(PlacementDecision.Cause.AFFINITY, hosts.length));
        }
        int[] counts;
        if (cells != null) {
            counts = new int[] {cells};
        } else if (vm.numaNodes() != null) {
            counts = new int[] {vm.numaNodes()};
        } else {
            counts = new int[Math.min(ledger.maxCellCount(), vm.vcpus())];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = i + 1;
            }
        }
        Tally first = null;
        for (int count : counts) {
            Tally tally = new Tally();
            PlacementDecision.Placed placed = placeWithCells(vm, hosts, excluded, affinityHosts, count, tally);
            if (placed != null) {
                return placed;
            }
            if (first == null) {
                first = tally;
            }
        }
        return new PlacementDecision.NoHostFits(vm, explain(vm, hosts.length, first), first.counts());
    }

    /**
     * The first host, in host order from {@code start} (mod the host count) round, that fits the VM: a fast
     * feasibility probe for admission control, not a ranked choice.
     */
    public PlacementDecision firstFit(VmSpec vm, ClusterLedger ledger, Set<String> excluded, int start) {
        return firstFit(vm, ledger, excluded, start, null);
    }

    /** Told each host a first-fit probe asks, in order, with the guest cell count (the last one asked took it). */
    @FunctionalInterface
    interface FitObserver {
        void asked(HostLedger host, int cells);
    }

    /** As {@link #firstFit(VmSpec, ClusterLedger, Set, int)}, telling {@code observer} (if any) every host asked. */
    PlacementDecision firstFit(VmSpec vm, ClusterLedger ledger, Set<String> excluded, int start, FitObserver observer) {
        HostLedger[] hosts = ledger.hostArray();
        List<String> affinityHosts = affinityHosts(vm, ledger, excluded);
        if (affinityHosts == null || hosts.length == 0) {
            return new PlacementDecision.NoHostFits(vm, head(vm) + (hosts.length == 0 ? ": no hosts known"
                    : ": its affinity groups are placed on different hosts"), Map.of());
        }
        int maxCells = ledger.maxCellCount();
        int from = vm.numaNodes() != null ? vm.numaNodes() : 1;
        int to = vm.numaNodes() != null ? vm.numaNodes() : Math.min(maxCells, vm.vcpus());
        int offset = Math.floorMod(start, hosts.length);
        String[] antiKeys = antiAffinityKeys(vm);
        Tally first = null;
        for (int count = from; count <= to; count++) {
            CellDemand[] demands = CellDemand.split(vm, count);
            Tally tally = new Tally();
            for (int i = 0; i < hosts.length; i++) {
                HostLedger host = hosts[(offset + i) % hosts.length];
                PlacementDecision.Cause cause = filter(vm, host, excluded, affinityHosts, count, antiKeys);
                int[] chosen = cause == null ? chooseCells(host, demands, pack) : null;
                if (observer != null) {
                    observer.asked(host, count);
                }
                if (chosen != null) {
                    return new PlacementDecision.Placed(vm, host.hostId(), claims(host, demands, chosen), "first fit");
                }
                tally.refuse(cause == null ? PlacementDecision.Cause.CAPACITY : cause, host, demands);
            }
            if (first == null) {
                first = tally;
            }
        }
        return new PlacementDecision.NoHostFits(vm, explain(vm, hosts.length, first), first.counts());
    }

    /**
     * What one host answers a first-fit probe for a VM <em>without affinity groups</em> (whose answer depends on
     * that host alone) spread over {@code cells} guest cells: the NUMA claims it would get, or null when refused.
     */
    List<Placement.NumaClaim> offer(VmSpec vm, HostLedger host, Set<String> excluded, int cells) {
        if (!vm.affinityGroups().isEmpty()) {
            throw new IllegalArgumentException("the answer for a VM with affinity groups depends on other hosts");
        }
        if (filter(vm, host, excluded, List.of(), cells, antiAffinityKeys(vm)) != null) {
            return null;
        }
        CellDemand[] demands = CellDemand.split(vm, cells);
        int[] chosen = chooseCells(host, demands, pack);
        return chosen == null ? null : claims(host, demands, chosen);
    }

    /**
     * Where the VM's affinity groups already run; members on excluded hosts (failed, drained) do not anchor the
     * group, since they are moving too: the first member placed elsewhere becomes the anchor for the others.
     */
    private static List<String> affinityHosts(VmSpec vm, ClusterLedger ledger, Set<String> excluded) {
        if (vm.affinityGroups().isEmpty()) {
            return List.of();
        }
        List<String> where = new ArrayList<>();
        for (String group : vm.affinityGroups()) {
            String host = ledger.affinityHost(group, excluded);
            if (host != null && !where.contains(host)) {
                where.add(host);
            }
        }
        return where.size() > 1 ? null : where;
    }

    private PlacementDecision.Placed placeWithCells(VmSpec vm, HostLedger[] hosts, Set<String> excluded,
                                                    List<String> affinityHosts, int count, Tally tally) {
        CellDemand[] demands = CellDemand.split(vm, count);
        String[] antiKeys = antiAffinityKeys(vm);
        HostLedger best = null;
        int[] bestCells = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (HostLedger host : hosts) {
            PlacementDecision.Cause cause = filter(vm, host, excluded, affinityHosts, count, antiKeys);
            if (cause != null) {
                tally.refuse(cause, host, demands);
                continue;
            }
            // The score does not depend on the cells: a host that cannot beat the best one needs no cell choice (and
            // once a host fits, the refusal tally is never read).
            double score = score(vm, host);
            if (best != null && score <= bestScore) {
                continue;
            }
            int[] chosen = chooseCells(host, demands, pack);
            if (chosen == null) {
                tally.refuse(PlacementDecision.Cause.CAPACITY, host, demands);
                continue;
            }
            best = host;
            bestCells = chosen;
            bestScore = score;
        }
        if (best == null) {
            return null;
        }
        List<Placement.NumaClaim> claims = claims(best, demands, bestCells);
        String reason = policy.mode().name().toLowerCase() + ": " + Units.bytesToMib(best.memoryFreeBytes()) + " of "
                + Units.bytesToMib(best.memoryCapacityBytes()) + " MiB unclaimed before this VM; cells "
                + claims.stream().map(c -> String.valueOf(c.hostCell())).collect(Collectors.joining(","));
        return new PlacementDecision.Placed(vm, best.hostId(), claims, reason);
    }

    private static String[] antiAffinityKeys(VmSpec vm) {
        String[] keys = new String[vm.antiAffinityGroups().size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = HostLedger.antiAffinityKey(vm.antiAffinityGroups().get(i));
        }
        return keys;
    }

    private static PlacementDecision.Cause filter(VmSpec vm, HostLedger host, Set<String> excluded,
                                                  List<String> affinityHosts, int count, String[] antiKeys) {
        if (!excluded.isEmpty() && excluded.contains(host.hostId())) {
            return PlacementDecision.Cause.EXCLUDED;
        }
        if (!host.acceptsVms()) {
            return PlacementDecision.Cause.NOT_ACCEPTING;
        }
        if (!vm.hostLabels().isEmpty()) {
            Map<String, String> labels = host.inventory().labels();
            for (Map.Entry<String, String> wanted : vm.hostLabels().entrySet()) {
                if (!wanted.getValue().equals(labels.get(wanted.getKey()))) {
                    return PlacementDecision.Cause.LABELS;
                }
            }
        }
        for (String key : antiKeys) {
            if (host.groupCount(key) > 0 && host.groupCount(key) > (host.holds(vm.vmId()) ? 1 : 0)) {
                return PlacementDecision.Cause.ANTI_AFFINITY;
            }
        }
        if (!affinityHosts.isEmpty() && !affinityHosts.get(0).equals(host.hostId())) {
            return PlacementDecision.Cause.AFFINITY;
        }
        if (host.topology().cellCount() < count) {
            return PlacementDecision.Cause.TOO_FEW_CELLS;
        }
        return null;
    }

    /** Host cell indexes for the guest cells, best fit first; null when the host cannot take them. */
    static int[] chooseCells(HostLedger host, CellDemand[] demands) {
        return chooseCells(host, demands, false);
    }

    /**
     * @param tightest true: best fit (the cell with the least free memory, PACK); false: the cell with the most
     *                 (SPREAD), which keeps room in every cell for multi-cell and pinned guests
     */
    static int[] chooseCells(HostLedger host, CellDemand[] demands, boolean tightest) {
        int n = demands.length;
        int cellCount = host.topology().cellCount();
        if (n == 1) {
            int best = -1;
            for (int c = 0; c < cellCount; c++) {
                if (host.fits(c, demands[0]) && (best < 0 || preferred(host, c, best, tightest))) {
                    best = c;
                }
            }
            return best < 0 ? null : new int[] {best};
        }
        // Demands are non-increasing in every resource (remainders go to the first guest cells) and fits are
        // monotone, so the sets of fitting cells are nested; then taking, guest cell by guest cell, any unused
        // fitting cell succeeds whenever any assignment does. The tightest is taken to keep holes whole.
        boolean[][] fit = new boolean[n][];
        int[] chosen = new int[n];
        boolean[] used = new boolean[cellCount];
        for (int g = 0; g < n; g++) {
            if (g > 0 && demands[g].equals(demands[g - 1])) {
                fit[g] = fit[g - 1];
            } else {
                fit[g] = new boolean[cellCount];
                for (int c = 0; c < cellCount; c++) {
                    fit[g][c] = host.fits(c, demands[g]);
                }
            }
            int best = -1;
            for (int c = 0; c < cellCount; c++) {
                if (fit[g][c] && !used[c] && (best < 0 || preferred(host, c, best, tightest))) {
                    best = c;
                }
            }
            if (best < 0) {
                return null;
            }
            used[best] = true;
            chosen[g] = best;
        }
        return chosen;
    }

    private static boolean preferred(HostLedger host, int a, int b, boolean tightest) {
        long fa = host.smallMemoryFree(a);
        long fb = host.smallMemoryFree(b);
        return (tightest ? fa < fb : fa > fb) || (fa == fb && a < b);
    }

    private double score(VmSpec vm, HostLedger host) {
        double capacity = Math.max(1, host.memoryCapacityBytes());
        double freeMemory = (host.memoryFreeBytes() - Units.mibToBytes(vm.memoryMib())) / capacity;
        double score = policy.mode() == PlacementPolicy.Mode.SPREAD ? freeMemory : 1 - freeMemory;
        int vcpuCapacity = host.vcpuCapacity();
        if (vcpuCapacity > 0 && policy.balanceWeight() != 0) {
            double freeVcpus = (vcpuCapacity - host.vcpusUsed() - vm.vcpus()) / (double) vcpuCapacity;
            score -= policy.balanceWeight() * Math.abs(freeMemory - freeVcpus);
        }
        if (vm.tier() != Tier.BRONZE && policy.goldSpreadWeight() != 0) {
            score -= policy.goldSpreadWeight() * host.tierMemoryBytes(vm.tier()) / capacity;
        }
        return score;
    }

    private static List<Placement.NumaClaim> claims(HostLedger host, CellDemand[] demands, int[] cells) {
        List<Placement.NumaClaim> claims = new ArrayList<>(demands.length);
        int nextVcpu = 0;
        for (int g = 0; g < demands.length; g++) {
            CellDemand d = demands[g];
            int cell = cells[g];
            List<Integer> vcpus = new ArrayList<>(d.vcpus());
            for (int i = 0; i < d.vcpus(); i++) {
                vcpus.add(nextVcpu++);
            }
            List<Integer> cpuset;
            List<Placement.Pin> pins = new ArrayList<>();
            List<Integer> isolated = new ArrayList<>();
            if (d.dedicated()) {
                int[][] chosen = host.chooseCpus(cell, d);
                cpuset = new ArrayList<>();
                for (int i = 0; i < chosen[0].length; i++) {
                    pins.add(new Placement.Pin(vcpus.get(i), chosen[0][i]));
                    cpuset.add(chosen[0][i]);
                }
                for (int cpu : chosen[1]) {
                    isolated.add(cpu);
                }
            } else {
                cpuset = host.unpinnedCpus(cell);
            }
            claims.add(new Placement.NumaClaim(g, host.topology().cell(cell).id(), vcpus, d.memoryMib(), cpuset, pins,
                    isolated, d.pageSizeKib() == 0 ? null : d.pageSizeKib(), d.pageSizeKib() == 0 ? null : d.pages()));
        }
        return claims;
    }

    private static String head(VmSpec vm) {
        return "no host fits vm " + vm.name() + " (" + vm.vcpus() + " vCPUs " + vm.effectiveCpuPolicy().name().toLowerCase()
                + ", " + vm.memoryMib() + " MiB" + (vm.hugepageSizeKib() == null ? "" : " in " + vm.hugepageSizeKib()
                + " KiB pages") + (vm.numaNodes() == null ? "" : ", " + vm.numaNodes() + " NUMA cells") + ")";
    }

    private static String explain(VmSpec vm, int hostCount, Tally tally) {
        if (hostCount == 0) {
            return head(vm) + ": no hosts known (no host inventory received)";
        }
        String causes = tally.named().entrySet().stream()
                .map(e -> {
                    int more = tally.refused[e.getKey().ordinal()] - e.getValue().size();
                    return e.getKey().label() + ": " + String.join(", ", e.getValue()) + (more > 0 ? " and " + more + " more" : "");
                })
                .collect(Collectors.joining("; "));
        return head(vm) + " among " + hostCount + " host" + (hostCount == 1 ? "" : "s") + ": " + causes;
    }

    /** Refusals per cause; the first few hosts of each are kept and described only if nothing fits. */
    private static final class Tally {
        final int[] refused = new int[PlacementDecision.Cause.values().length];
        final HostLedger[][] first = new HostLedger[PlacementDecision.Cause.values().length][];
        CellDemand[] demands;

        void refuse(PlacementDecision.Cause cause, HostLedger host, CellDemand[] demands) {
            int n = refused[cause.ordinal()]++;
            if (n < HOSTS_NAMED_PER_CAUSE) {
                if (first[cause.ordinal()] == null) {
                    first[cause.ordinal()] = new HostLedger[HOSTS_NAMED_PER_CAUSE];
                }
                first[cause.ordinal()][n] = host;
                this.demands = demands;
            }
        }

        /** Per cause with refusals, in filter order: the first hosts described. */
        Map<PlacementDecision.Cause, List<String>> named() {
            Map<PlacementDecision.Cause, List<String>> named = new EnumMap<>(PlacementDecision.Cause.class);
            for (PlacementDecision.Cause cause : PlacementDecision.Cause.values()) {
                HostLedger[] hosts = first[cause.ordinal()];
                if (hosts != null) {
                    List<String> list = new ArrayList<>();
                    for (HostLedger host : hosts) {
                        if (host != null) {
                            list.add(describe(cause, host, demands));
                        }
                    }
                    named.put(cause, list);
                }
            }
            return named;
        }

        Map<PlacementDecision.Cause, Integer> counts() {
            Map<PlacementDecision.Cause, Integer> counts = new EnumMap<>(PlacementDecision.Cause.class);
            for (PlacementDecision.Cause cause : PlacementDecision.Cause.values()) {
                if (refused[cause.ordinal()] > 0) {
                    counts.put(cause, refused[cause.ordinal()]);
                }
            }
            return counts;
        }

        private static String describe(PlacementDecision.Cause cause, HostLedger host, CellDemand[] demands) {
            return switch (cause) {
                case NOT_ACCEPTING -> host.hostId() + " (" + (host.draining() ? "draining" : host.state()) + ")";
                case TOO_FEW_CELLS -> host.hostId() + " (" + host.topology().cellCount() + " cells, "
                        + demands.length + " needed)";
                case CAPACITY -> host.hostId() + " (" + cellsFree(host) + ")";
                default -> host.hostId();
            };
        }

        private static String cellsFree(HostLedger host) {
            List<String> cells = new ArrayList<>();
            for (int c = 0; c < host.topology().cellCount(); c++) {
                HostTopology.Cell cell = host.topology().cell(c);
                StringBuilder s = new StringBuilder("cell ").append(cell.id()).append(": ")
                        .append(Units.bytesToMib(Math.max(0, host.smallMemoryFree(c)))).append(" MiB, ")
                        .append(Math.max(0, host.sharedVcpuCapacity(c) - host.sharedVcpus(c))).append(" shared vCPUs, ")
                        .append(cell.cpus().length - host.pinnedCount(c)).append(" unpinned CPUs");
                for (int p = 0; p < cell.pageSizesKib().length; p++) {
                    s.append(", ").append(cell.pageTotals()[p] - host.pagesUsed(c, p)).append('x')
                            .append(cell.pageSizesKib()[p]).append(" KiB pages");
                }
                cells.add(s.toString());
            }
            return String.join("; ", cells) + " free";
        }
    }
}
