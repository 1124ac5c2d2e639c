package io.kvmha.scheduler.core;

import static io.kvmha.scheduler.core.Fixtures.numaHost;
import static io.kvmha.scheduler.core.Fixtures.numaVm;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvmha.contracts.event.HaPolicy;
import io.kvmha.contracts.event.HostState;
import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.Tier;
import io.kvmha.contracts.event.VmSpec;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NumaPlacementTest {

    private final ClusterLedger ledger = new ClusterLedger(AllocationRatios.DEFAULT);
    private final PlacementEngine engine = new PlacementEngine(AllocationRatios.DEFAULT);

    private PlacementDecision.Placed place(VmSpec vm) {
        PlacementDecision decision = engine.place(vm, ledger, Set.of());
        assertThat(decision).as(decision.toString()).isInstanceOf(PlacementDecision.Placed.class);
        PlacementDecision.Placed placed = (PlacementDecision.Placed) decision;
        ledger.putSpec(vm);
        ledger.putPlacement(new Placement(vm.vmId(), placed.hostId(), 1, placed.hostCells(), "t", null, Fixtures.T0,
                placed.claims()));
        assertThat(LedgerAudit.problems(ledger)).isEmpty();
        return placed;
    }

    private static VmSpec shared(String name, int vcpus, long mib, Integer cells) {
        return numaVm(name, vcpus, mib, Tier.SILVER, HaPolicy.RESTART, cells, null, null, null, List.of(), Map.of());
    }

    private static VmSpec dedicated(String name, int vcpus, long mib, VmSpec.CpuThreadPolicy threads) {
        return numaVm(name, vcpus, mib, Tier.GOLD, HaPolicy.RESTART, null, VmSpec.CpuPolicy.DEDICATED, threads, null,
                List.of(), Map.of());
    }

    @Test
    void automaticPutsAVmInOneCellWhenItFitsAndSharedVcpusFloatOverTheCell() {
        ledger.putInventory(numaHost("h1", 2, 4, 4096, 0, Map.of()));
        PlacementDecision.Placed placed = place(shared("a", 4, 3072, null));
        assertThat(placed.claims()).singleElement().satisfies(c -> {
            assertThat(c.vcpus()).containsExactly(0, 1, 2, 3);
            assertThat(c.memoryMib()).isEqualTo(3072);
            assertThat(c.cpuset()).hasSize(8);
            assertThat(c.pins()).isEmpty();
            assertThat(c.hugepageSizeKib()).isNull();
        });
    }

    @Test
    void automaticSpreadsOnlyWhenNoCellFits() {
        ledger.putInventory(numaHost("h1", 2, 4, 4096, 0, Map.of()));
        PlacementDecision.Placed placed = place(shared("big", 4, 6144, null));
        assertThat(placed.claims()).hasSize(2);
        assertThat(placed.claims()).extracting(Placement.NumaClaim::memoryMib).containsExactly(3072L, 3072L);
        assertThat(placed.hostCells()).containsExactlyInAnyOrder(0, 1);
    }

    @Test
    void explicitCellCountSplitsEvenlyOverDistinctCells() {
        ledger.putInventory(numaHost("h1", 4, 4, 4096, 0, Map.of()));
        PlacementDecision.Placed placed = place(shared("a", 4, 2048, 4));
        assertThat(placed.claims()).hasSize(4).allSatisfy(c -> {
            assertThat(c.vcpus()).hasSize(1);
            assertThat(c.memoryMib()).isEqualTo(512);
        });
        assertThat(placed.hostCells()).doesNotHaveDuplicates();
    }

    @Test
    void dedicatedCpusAreNeverGivenTwiceNorOvercommitted() {
        ledger.putInventory(numaHost("h1", 1, 4, 8192, 0, Map.of()));
        place(dedicated("a", 4, 512, VmSpec.CpuThreadPolicy.PREFER));
        place(dedicated("b", 4, 512, VmSpec.CpuThreadPolicy.PREFER));
        PlacementDecision third = engine.place(dedicated("c", 1, 512, VmSpec.CpuThreadPolicy.PREFER), ledger, Set.of());
        assertThat(third).isInstanceOfSatisfying(PlacementDecision.NoHostFits.class,
                n -> assertThat(n.explanation()).contains("0 unpinned CPUs"));
    }

    @Test
    void preferFillsSiblingsIsolateReservesThemRequireTakesWholeCores() {
        ledger.putInventory(numaHost("h1", 1, 4, 8192, 0, Map.of()));
        PlacementDecision.Placed prefer = place(dedicated("p", 2, 256, VmSpec.CpuThreadPolicy.PREFER));
        assertThat(prefer.claims().get(0).pins()).extracting(Placement.Pin::pcpu).containsExactly(0, 1);
        PlacementDecision.Placed isolate = place(dedicated("i", 1, 256, VmSpec.CpuThreadPolicy.ISOLATE));
        assertThat(isolate.claims().get(0).pins()).extracting(Placement.Pin::pcpu).containsExactly(2);
        assertThat(isolate.claims().get(0).isolatedCpus()).containsExactly(3);
        PlacementDecision.Placed require = place(dedicated("r", 3, 256, VmSpec.CpuThreadPolicy.REQUIRE));
        assertThat(require.claims().get(0).pins()).extracting(Placement.Pin::pcpu).containsExactly(4, 5, 6);
        assertThat(require.claims().get(0).isolatedCpus()).containsExactly(7);
        assertThat(engine.place(dedicated("x", 1, 256, VmSpec.CpuThreadPolicy.ISOLATE), ledger, Set.of()))
                .isInstanceOf(PlacementDecision.NoHostFits.class);
    }

    @Test
    void sharedCapacityShrinksWithPinnedCpus() {
        ledger.putInventory(numaHost("h1", 1, 2, 8192, 0, Map.of()));
        place(shared("s", 8, 256, null)); // 4 CPUs x 4.0 = 16 shared vCPUs; 8 used
        place(dedicated("d", 2, 256, VmSpec.CpuThreadPolicy.PREFER)); // 2 CPUs left x 4.0 = 8 >= 8
        assertThat(engine.place(shared("t", 1, 256, null), ledger, Set.of()))
                .isInstanceOf(PlacementDecision.NoHostFits.class);
        assertThat(engine.place(dedicated("e", 1, 256, VmSpec.CpuThreadPolicy.PREFER), ledger, Set.of()))
                .as("pinning one more CPU would leave 4 shared slots for 8 shared vCPUs")
                .isInstanceOf(PlacementDecision.NoHostFits.class);
    }

    @Test
    void hugepagesComeFromTheCellsPoolAndAreNeverOvercommitted() {
        ledger.putInventory(numaHost("h1", 2, 4, 4096, 512, Map.of())); // 1 GiB of 2 MiB pages per cell
        VmSpec a = numaVm("a", 2, 1024, Tier.GOLD, HaPolicy.RESTART, null, null, null, 2048L, List.of(), Map.of());
        PlacementDecision.Placed placed = place(a);
        assertThat(placed.claims()).singleElement().satisfies(c -> {
            assertThat(c.hugepageSizeKib()).isEqualTo(2048L);
            assertThat(c.hugepages()).isEqualTo(512L);
        });
        VmSpec b = numaVm("b", 2, 1024, Tier.GOLD, HaPolicy.RESTART, null, null, null, 2048L, List.of(), Map.of());
        assertThat(place(b).hostCells()).isNotEqualTo(placed.hostCells());
        VmSpec c = numaVm("c", 2, 512, Tier.GOLD, HaPolicy.RESTART, null, null, null, 2048L, List.of(), Map.of());
        assertThat(engine.place(c, ledger, Set.of())).isInstanceOf(PlacementDecision.NoHostFits.class);
        // Small pages are the cell memory minus the pool: 3 GiB per cell.
        assertThat(place(shared("s", 1, 3072, null)).claims()).hasSize(1);
    }

    @Test
    void filtersLabelsAntiAffinityStateAndDrain() {
        ledger.putInventory(numaHost("h1", 1, 4, 4096, 0, Map.of("rack", "a")));
        ledger.putInventory(numaHost("h2", 1, 4, 4096, 0, Map.of("rack", "b")));
        ledger.putInventory(numaHost("h3", 1, 4, 4096, 0, Map.of("rack", "b")));
        VmSpec onB = numaVm("x", 1, 256, Tier.GOLD, HaPolicy.RESTART, null, null, null, null, List.of("db"),
                Map.of("rack", "b"));
        String first = place(onB).hostId();
        assertThat(first).isIn("h2", "h3");
        VmSpec second = numaVm("y", 1, 256, Tier.GOLD, HaPolicy.RESTART, null, null, null, null, List.of("db"),
                Map.of("rack", "b"));
        String other = place(second).hostId();
        assertThat(other).isIn("h2", "h3").isNotEqualTo(first);
        VmSpec third = numaVm("z", 1, 256, Tier.GOLD, HaPolicy.RESTART, null, null, null, null, List.of("db"),
                Map.of("rack", "b"));
        assertThat(engine.place(third, ledger, Set.of())).isInstanceOfSatisfying(PlacementDecision.NoHostFits.class,
                n -> assertThat(n.explanation()).contains("missing host labels: h1").contains("anti-affinity"));
        ledger.setHealth("h2", HostState.DOWN);
        ledger.setDraining("h3", true);
        assertThat(engine.place(shared("w", 1, 256, null), ledger, Set.of()).vm()).isNotNull();
        assertThat(((PlacementDecision.Placed) engine.place(shared("w", 1, 256, null), ledger, Set.of())).hostId())
                .isEqualTo("h1");
    }

    @Test
    void tooFewCellsIsExplained() {
        ledger.putInventory(numaHost("h1", 2, 4, 4096, 0, Map.of()));
        assertThat(engine.place(shared("a", 4, 1024, 4), ledger, Set.of()))
                .isInstanceOfSatisfying(PlacementDecision.NoHostFits.class,
                        n -> assertThat(n.explanation()).contains("too few NUMA cells: h1 (2 cells, 4 needed)"));
    }

    @Test
    void validationNamesFieldAndRule() {
        VmSpec bad = new VmSpec("v", "bad", 3, 1000, Tier.GOLD, HaPolicy.RESTART, 0, Map.of(), Fixtures.T0, 2, null,
                VmSpec.CpuThreadPolicy.ISOLATE, 4096L, List.of("g"), List.of("g"), Map.of());
        assertThat(SpecValidation.violations(bad)).extracting(SpecValidation.Violation::field,
                SpecValidation.Violation::rule).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("numaNodes", "divisible"),
                org.assertj.core.groups.Tuple.tuple("cpuThreadPolicy", "requires-dedicated"),
                org.assertj.core.groups.Tuple.tuple("hugepageSizeKib", "supported-size"),
                org.assertj.core.groups.Tuple.tuple("affinityGroups", "conflict"));
        VmSpec odd = new VmSpec("v", "odd", 2, 1025, Tier.GOLD, HaPolicy.RESTART, 0, Map.of(), Fixtures.T0, null, null,
                null, 2048L, List.of(), List.of(), Map.of());
        assertThat(SpecValidation.violations(odd)).extracting(SpecValidation.Violation::rule)
                .containsExactly("page-multiple");
    }

    @Test
    void replayInAnyOrderGivesTheSameLedger() {
        ledger.putInventory(numaHost("h1", 2, 4, 4096, 0, Map.of()));
        VmSpec a = dedicated("a", 2, 1024, VmSpec.CpuThreadPolicy.PREFER);
        PlacementDecision.Placed placed = place(a);
        Placement placement = ledger.placement(a.vmId()).orElseThrow();
        ClusterLedger replayed = new ClusterLedger(AllocationRatios.DEFAULT);
        replayed.putPlacement(placement);
        replayed.putSpec(a);
        replayed.putInventory(numaHost("h1", 2, 4, 4096, 0, Map.of()));
        HostLedger host = replayed.host("h1").orElseThrow();
        int cell = host.topology().indexOf(placed.hostCells().get(0));
        assertThat(host.pinnedCount(cell)).isEqualTo(2);
        assertThat(host.memoryUsedBytes()).isEqualTo(Units.mibToBytes(1024));
        replayed.putPlacement(placement);
        assertThat(host.pinnedCount(cell)).isEqualTo(2);
    }
}
