package io.kvmha.scheduler.core;

import io.kvmha.contracts.event.HostInventory;
import io.kvmha.contracts.event.HostState;
import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.Tier;
import io.kvmha.contracts.event.VmSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the placement ledger has claimed on one host, per NUMA cell and per CPU, with the aggregates
 * the filters and weighers read (kept up to date on every claim, so a fit check is arithmetic).
 *
 * <p>Capacity rules: shared vCPUs of a cell may reach {@code cpu ratio x (cell CPUs - pinned CPUs)};
 * small-page memory may reach {@code ram ratio x (cell memory - hugepage pools)}; dedicated CPUs and
 * hugepages are never overcommitted. Not thread-safe: the {@link ClusterView} lock guards it.
 */
public final class HostLedger {

    private final String hostId;
    private final HostInventory inventory;
    private final HostTopology topology;
    private final AllocationRatios ratios;
    private HostState state = HostState.ONLINE;
    private boolean draining;

    private final int[] sharedVcpus;
    private final long[] smallMemoryUsed;
    private final long[] smallMemoryCapacity;
    private final long[][] pagesUsed;
    private final int[] pinnedCount;
    private final int[] freeCores;
    private final int[] pins;
    private final Map<String, Charged> vms = new TreeMap<>();
    private final Map<String, Integer> groups = new HashMap<>();
    private final long[] tierMemoryBytes = new long[Tier.values().length];
    private final int[] tierVms = new int[Tier.values().length];
    private final long[] protectedTierMemoryBytes = new long[Tier.values().length];
    private long memoryCapacityBytes;
    private final int vcpuCapacity;
    private long memoryUsedBytes;
    private int vcpusUsed;
    private long version;

    HostLedger(HostInventory inventory, AllocationRatios ratios) {
        this.hostId = inventory.hostId();
        this.inventory = inventory;
        this.topology = HostTopology.of(inventory);
        this.ratios = ratios;
        int n = topology.cellCount();
        sharedVcpus = new int[n];
        smallMemoryUsed = new long[n];
        smallMemoryCapacity = new long[n];
        pagesUsed = new long[n][];
        pinnedCount = new int[n];
        freeCores = new int[n];
        int maxCpu = -1;
        for (int i = 0; i < n; i++) {
            HostTopology.Cell cell = topology.cell(i);
            smallMemoryCapacity[i] = (long) Math.floor((cell.memoryBytes() - cell.hugepageBytes()) * ratios.ram());
            memoryCapacityBytes += smallMemoryCapacity[i] + cell.hugepageBytes();
            pagesUsed[i] = new long[cell.pageSizesKib().length];
            freeCores[i] = cell.cores().length;
            maxCpu = Math.max(maxCpu, cell.maxCpuId());
        }
        pins = new int[maxCpu + 1];
        int cpus = 0;
        for (int i = 0; i < n; i++) {
            cpus += topology.cell(i).cpus().length;
        }
        vcpuCapacity = (int) Math.floor(cpus * ratios.cpu());
    }

    /** A VM charged on this host, with what it was charged for (so uncharging is exact). */
    record Charged(VmSpec spec, Placement placement, int[] cells) {
    }

    public String hostId() {
        return hostId;
    }

    public HostInventory inventory() {
        return inventory;
    }

    public HostTopology topology() {
        return topology;
    }

    public HostState state() {
        return state;
    }

    void state(HostState state) {
        this.state = state;
        version++;
    }

    public boolean draining() {
        return draining;
    }

    void draining(boolean draining) {
        this.draining = draining;
        version++;
    }

    /** ONLINE and not draining: new VMs may come here. */
    public boolean acceptsVms() {
        return state.acceptsVms() && !draining;
    }

    public long version() {
        return version;
    }

    public int vmCount() {
        return vms.size();
    }

    public List<String> vmIds() {
        return new ArrayList<>(vms.keySet());
    }

    public boolean holds(String vmId) {
        return vms.containsKey(vmId);
    }

    public long memoryCapacityBytes() {
        return memoryCapacityBytes;
    }

    public long memoryUsedBytes() {
        return memoryUsedBytes;
    }

    public long memoryFreeBytes() {
        return memoryCapacityBytes - memoryUsedBytes;
    }

    public int vcpusUsed() {
        return vcpusUsed;
    }

    public int vcpuCapacity() {
        return vcpuCapacity;
    }

    public long tierMemoryBytes(Tier tier) {
        return tierMemoryBytes[tier.ordinal()];
    }

    /** Memory of the HA-protected VMs of a tier on this host. */
    public long protectedMemoryBytes(Tier tier) {
        return protectedTierMemoryBytes[tier.ordinal()];
    }

    /** Specs of the VMs charged here, in VM id order. */
    public List<VmSpec> specs() {
        return vms.values().stream().map(Charged::spec).toList();
    }

    /** Restores the version after a simulation charged and uncharged VMs: the content is as it was. */
    void restoreVersion(long version) {
        this.version = version;
    }

    public int tierVms(Tier tier) {
        return tierVms[tier.ordinal()];
    }

    /** VMs on this host in a group (affinity or anti-affinity share one namespace per kind). */
    public int groupCount(String groupKey) {
        return groups.getOrDefault(groupKey, 0);
    }

    static String antiAffinityKey(String group) {
        return "!" + group;
    }

    static String affinityKey(String group) {
        return "=" + group;
    }

    // ---- per cell ----

    public int sharedVcpus(int cell) {
        return sharedVcpus[cell];
    }

    public int sharedVcpuCapacity(int cell) {
        return (int) Math.floor((topology.cell(cell).cpus().length - pinnedCount[cell]) * ratios.cpu());
    }

    public int pinnedCount(int cell) {
        return pinnedCount[cell];
    }

    public int freeCores(int cell) {
        return freeCores[cell];
    }

    public long smallMemoryUsed(int cell) {
        return smallMemoryUsed[cell];
    }

    public long smallMemoryCapacity(int cell) {
        return smallMemoryCapacity[cell];
    }

    public long smallMemoryFree(int cell) {
        return smallMemoryCapacity[cell] - smallMemoryUsed[cell];
    }

    public long pagesUsed(int cell, int pool) {
        return pagesUsed[cell][pool];
    }

    public boolean pinned(int cpu) {
        return cpu < pins.length && pins[cpu] > 0;
    }

    /** Whether one host cell can take one guest cell, under the ratios and never overcommitting pins or pages. */
    public boolean fits(int cell, CellDemand demand) {
        HostTopology.Cell c = topology.cell(cell);
        if (demand.pageSizeKib() == 0) {
            if (smallMemoryCapacity[cell] - smallMemoryUsed[cell] < demand.memoryBytes()) {
                return false;
            }
        } else {
            int pool = c.poolIndex(demand.pageSizeKib());
            if (pool < 0 || c.pageTotals()[pool] - pagesUsed[cell][pool] < demand.pages()) {
                return false;
            }
        }
        int unpinned = c.cpus().length - pinnedCount[cell];
        if (!demand.dedicated()) {
            return (long) Math.floor(unpinned * ratios.cpu()) - sharedVcpus[cell] >= demand.vcpus();
        }
        int consumed = cpusConsumedByPinning(cell, demand);
        return consumed >= 0 && Math.floor((unpinned - consumed) * ratios.cpu()) >= sharedVcpus[cell];
    }

    /** Host CPUs a dedicated demand takes (pins plus reserved siblings), or -1 when the cell cannot give them. */
    private int cpusConsumedByPinning(int cell, CellDemand demand) {
        HostTopology.Cell c = topology.cell(cell);
        int n = demand.vcpus();
        switch (demand.threadPolicy()) {
            case PREFER:
                return c.cpus().length - pinnedCount[cell] >= n ? n : -1;
            case ISOLATE: {
                if (freeCores[cell] < n) {
                    return -1;
                }
                int taken = 0;
                int consumed = 0;
                for (int[] core : c.cores()) {
                    if (taken == n) {
                        break;
                    }
                    if (coreFree(core)) {
                        taken++;
                        consumed += core.length;
                    }
                }
                return consumed;
            }
            default: { // REQUIRE: whole free cores, vCPUs on their sibling threads
                int threads = 0;
                for (int[] core : c.cores()) {
                    if (threads >= n) {
                        break;
                    }
                    if (coreFree(core)) {
                        threads += core.length;
                    }
                }
                return threads >= n ? threads : -1;
            }
        }
    }

    private boolean coreFree(int[] core) {
        for (int cpu : core) {
            if (pins[cpu] > 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * The host CPUs for a dedicated demand in a cell that {@link #fits} it: {@code [0]} the CPUs the
     * vCPUs are pinned to (in order), {@code [1]} sibling CPUs reserved idle. Prefer fills the cores with
     * the most free threads first, so a VM's vCPUs share cores and whole cores stay free for others.
     */
    int[][] chooseCpus(int cell, CellDemand demand) {
        HostTopology.Cell c = topology.cell(cell);
        int n = demand.vcpus();
        List<Integer> pinned = new ArrayList<>(n);
        List<Integer> reserved = new ArrayList<>();
        switch (demand.threadPolicy()) {
            case PREFER: {
                int[][] cores = c.cores().clone();
                java.util.Arrays.sort(cores, (a, b) -> Integer.compare(freeThreads(b), freeThreads(a)));
                for (int[] core : cores) {
                    for (int cpu : core) {
                        if (pinned.size() < n && pins[cpu] == 0) {
                            pinned.add(cpu);
                        }
                    }
                }
                break;
            }
            case ISOLATE:
                for (int[] core : c.cores()) {
                    if (pinned.size() < n && coreFree(core)) {
                        pinned.add(core[0]);
                        for (int i = 1; i < core.length; i++) {
                            reserved.add(core[i]);
                        }
                    }
                }
                break;
            default:
                for (int[] core : c.cores()) {
                    if (pinned.size() < n && coreFree(core)) {
                        for (int cpu : core) {
                            (pinned.size() < n ? pinned : reserved).add(cpu);
                        }
                    }
                }
        }
        if (pinned.size() < n) {
            throw new IllegalStateException("cell " + c.id() + " of " + hostId + " cannot pin " + n + " vCPUs (" + demand
                    + ", pinned " + pinnedCount[cell] + " of " + c.cpus().length + ", free cores " + freeCores[cell] + ")");
        }
        return new int[][] {pinned.stream().mapToInt(Integer::intValue).toArray(),
            reserved.stream().mapToInt(Integer::intValue).toArray()};
    }

    private int freeThreads(int[] core) {
        int free = 0;
        for (int cpu : core) {
            if (pins[cpu] == 0) {
                free++;
            }
        }
        return free;
    }

    /** CPUs of a cell not pinned now: where shared vCPUs float. */
    List<Integer> unpinnedCpus(int cell) {
        List<Integer> cpus = new ArrayList<>();
        for (int cpu : topology.cell(cell).cpus()) {
            if (pins[cpu] == 0) {
                cpus.add(cpu);
            }
        }
        return cpus;
    }

    // ---- charging ----

    void charge(VmSpec spec, Placement placement) {
        uncharge(spec.vmId());
        int[] cells;
        if (placement.numaClaims().isEmpty()) {
            // A placement from before NUMA claims: charge it as shared, small pages, to the emptiest cell.
            int best = 0;
            for (int i = 1; i < topology.cellCount(); i++) {
                if (smallMemoryFree(i) > smallMemoryFree(best)) {
                    best = i;
                }
            }
            cells = new int[] {best};
            apply(best, spec.vcpus(), Units.mibToBytes(spec.memoryMib()), 0, 0, List.of(), List.of(), +1);
        } else {
            cells = new int[placement.numaClaims().size()];
            for (int i = 0; i < cells.length; i++) {
                Placement.NumaClaim claim = placement.numaClaims().get(i);
                int cell = Math.max(0, topology.indexOf(claim.hostCell()));
                cells[i] = cell;
                applyClaim(cell, claim, +1);
            }
        }
        vms.put(spec.vmId(), new Charged(spec, placement, cells));
        aggregates(spec, +1);
    }

    void uncharge(String vmId) {
        Charged charged = vms.remove(vmId);
        if (charged == null) {
            return;
        }
        if (charged.placement().numaClaims().isEmpty()) {
            apply(charged.cells()[0], charged.spec().vcpus(), Units.mibToBytes(charged.spec().memoryMib()), 0, 0,
                    List.of(), List.of(), -1);
        } else {
            for (int i = 0; i < charged.cells().length; i++) {
                applyClaim(charged.cells()[i], charged.placement().numaClaims().get(i), -1);
            }
        }
        aggregates(charged.spec(), -1);
    }

    Charged charged(String vmId) {
        return vms.get(vmId);
    }

    private void applyClaim(int cell, Placement.NumaClaim claim, int sign) {
        long page = claim.hugepageSizeKib() == null ? 0 : claim.hugepageSizeKib();
        long pages = claim.hugepages() == null ? 0 : claim.hugepages();
        if (page != 0 && topology.cell(cell).poolIndex(page) < 0) {
            page = 0; // the pool is gone from the inventory: count the memory as small pages
        }
        int shared = claim.pins().isEmpty() ? claim.vcpus().size() : 0;
        List<Integer> pinned = claim.pins().isEmpty() ? List.of() // the common case, without a stream per charge
                : claim.pins().stream().map(Placement.Pin::pcpu).toList();
        apply(cell, shared, page == 0 ? Units.mibToBytes(claim.memoryMib()) : 0, page, pages, pinned,
                claim.isolatedCpus(), sign);
    }

    private void apply(int cell, int shared, long smallBytes, long page, long pages, List<Integer> pinnedCpus,
                       List<Integer> reservedCpus, int sign) {
        sharedVcpus[cell] += sign * shared;
        smallMemoryUsed[cell] += sign * smallBytes;
        if (page != 0) {
            pagesUsed[cell][topology.cell(cell).poolIndex(page)] += sign * pages;
        }
        if (!pinnedCpus.isEmpty() || !reservedCpus.isEmpty()) {
            pinCpus(pinnedCpus, sign);
            pinCpus(reservedCpus, sign);
            recountCell(cell);
        }
        version++;
    }

    private void pinCpus(List<Integer> cpus, int sign) {
        for (int cpu : cpus) {
            if (cpu >= 0 && cpu < pins.length) {
                pins[cpu] += sign;
            }
        }
    }

    private void recountCell(int cell) {
        HostTopology.Cell c = topology.cell(cell);
        int pinned = 0;
        for (int cpu : c.cpus()) {
            if (pins[cpu] > 0) {
                pinned++;
            }
        }
        int free = 0;
        for (int[] core : c.cores()) {
            if (coreFree(core)) {
                free++;
            }
        }
        pinnedCount[cell] = pinned;
        freeCores[cell] = free;
    }

    private void aggregates(VmSpec spec, int sign) {
        long bytes = Units.mibToBytes(spec.memoryMib());
        memoryUsedBytes += sign * bytes;
        vcpusUsed += sign * spec.vcpus();
        tierMemoryBytes[spec.tier().ordinal()] += sign * bytes;
        tierVms[spec.tier().ordinal()] += sign;
        if (spec.haPolicy().isProtected()) {
            protectedTierMemoryBytes[spec.tier().ordinal()] += sign * bytes;
        }
        for (String g : spec.antiAffinityGroups()) {
            groups.merge(antiAffinityKey(g), sign, (a, b) -> a + b == 0 ? null : a + b);
        }
        for (String g : spec.affinityGroups()) {
            groups.merge(affinityKey(g), sign, (a, b) -> a + b == 0 ? null : a + b);
        }
    }
}
