package io.kvmha.scheduler.core;

import io.kvmha.contracts.event.HaPolicy;
import io.kvmha.contracts.event.HostHealthChange;
import io.kvmha.contracts.event.HostInventory;
import io.kvmha.contracts.event.HostState;
import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.Tier;
import io.kvmha.contracts.event.VmSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Small builders for core tests (also used by the benchmarks). */
public final class Fixtures {

    public static final Instant T0 = Instant.parse("2026-11-27T12:00:00Z");

    private Fixtures() {
    }

    /** A host without a NUMA description: one cell, each CPU its own core. */
    public static HostInventory host(String hostId, int cpus, long memoryMib) {
        long bytes = Units.mibToBytes(memoryMib);
        var cell = new HostInventory.NumaCell(0, bytes, bytes / 2, List.of(), List.of());
        return new HostInventory(hostId, "uuid-" + hostId, "test:///default", "test", cpus, bytes, List.of(cell),
                "TEST", "9.0.0", "7.2.0", true, Map.of(), T0);
    }

    /**
     * A NUMA host: {@code cells} cells of {@code coresPerCell} cores with 2 threads each (CPU ids numbered
     * cell by cell, siblings adjacent), {@code memoryMibPerCell} per cell of which {@code pages2m} 2 MiB
     * hugepages are reserved.
     */
    public static HostInventory numaHost(String hostId, int cells, int coresPerCell, long memoryMibPerCell,
                                         long pages2m, Map<String, String> labels) {
        List<HostInventory.NumaCell> numa = new ArrayList<>();
        int cpu = 0;
        for (int c = 0; c < cells; c++) {
            List<HostInventory.Cpu> cpus = new ArrayList<>();
            for (int core = 0; core < coresPerCell; core++) {
                int a = cpu++;
                int b = cpu++;
                cpus.add(new HostInventory.Cpu(a, c, core, List.of(a, b)));
                cpus.add(new HostInventory.Cpu(b, c, core, List.of(a, b)));
            }
            long bytes = Units.mibToBytes(memoryMibPerCell);
            List<HostInventory.HugepagePool> pools = pages2m == 0 ? List.of()
                    : List.of(new HostInventory.HugepagePool(2048, pages2m, pages2m));
            numa.add(new HostInventory.NumaCell(c, bytes, bytes, cpus, pools));
        }
        return new HostInventory(hostId, "uuid-" + hostId, "test:///default", "test", cpu,
                Units.mibToBytes(memoryMibPerCell) * cells, numa, "TEST", "9.0.0", "7.2.0", true, labels, T0);
    }

    public static VmSpec vm(String name, int vcpus, long memoryMib, Tier tier, HaPolicy policy, int priority) {
        return new VmSpec("id-" + name, name, vcpus, memoryMib, tier, policy, priority, Map.of(), T0);
    }

    public static VmSpec vm(String name, int vcpus, long memoryMib) {
        return vm(name, vcpus, memoryMib, Tier.SILVER, HaPolicy.RESTART, 0);
    }

    /** A VM with every NUMA option. */
    public static VmSpec numaVm(String name, int vcpus, long memoryMib, Tier tier, HaPolicy policy, Integer numaNodes,
                                VmSpec.CpuPolicy cpuPolicy, VmSpec.CpuThreadPolicy threads, Long pageKib,
                                List<String> antiAffinity, Map<String, String> hostLabels) {
        return new VmSpec("id-" + name, name, vcpus, memoryMib, tier, policy, 0, Map.of(), T0, numaNodes, cpuPolicy,
                threads, pageKib, List.of(), antiAffinity, hostLabels);
    }

    public static Placement placement(VmSpec vm, String hostId, long generation) {
        return new Placement(vm.vmId(), hostId, generation, List.of(), "test", null, T0);
    }

    /**
     * Claims a VM at generation 1 on the first host that fits it, trying hosts from index {@code startHost} on (the
     * benchmarks' way to fill a cluster host by host); fails if none fits.
     */
    public static Placement claimFirstFit(ClusterLedger ledger, PlacementEngine engine, VmSpec spec, int startHost) {
        PlacementDecision.Placed placed = (PlacementDecision.Placed) engine.firstFit(spec, ledger, Set.of(), startHost);
        Placement placement = new Placement(spec.vmId(), placed.hostId(), 1, placed.hostCells(), "setup", null, T0,
                placed.claims());
        ledger.putSpec(spec);
        ledger.putPlacement(placement);
        return placement;
    }

    public static HostHealthChange health(String hostId, HostState state) {
        return new HostHealthChange(hostId, HostState.ONLINE, state, List.of("test"), "inc-test", T0);
    }
}
