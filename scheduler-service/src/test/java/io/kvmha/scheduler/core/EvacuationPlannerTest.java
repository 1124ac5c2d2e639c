package io.kvmha.scheduler.core;

import static io.kvmha.scheduler.core.Fixtures.T0;
import static io.kvmha.scheduler.core.Fixtures.health;
import static io.kvmha.scheduler.core.Fixtures.host;
import static io.kvmha.scheduler.core.Fixtures.placement;
import static io.kvmha.scheduler.core.Fixtures.vm;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvmha.contracts.event.HaPolicy;
import io.kvmha.contracts.event.HostState;
import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.Tier;
import io.kvmha.contracts.event.VmSpec;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EvacuationPlannerTest {

    private final PlacementEngine engine = new PlacementEngine(AllocationRatios.DEFAULT);
    private final EvacuationPlanner planner = new EvacuationPlanner(engine);

    @Test
    void goldFirstThenPriorityAndEachMoveConsumesCapacity() {
        ClusterView view = new ClusterView();
        view.applyInventory(host("h1", 64, 65536));
        view.applyInventory(host("h2", 64, 4096));
        place(view, vm("bronze", 1, 2048, Tier.BRONZE, HaPolicy.RESTART, 100), "h1");
        place(view, vm("silver-low", 1, 1024, Tier.SILVER, HaPolicy.RESTART, 1), "h1");
        place(view, vm("silver-high", 1, 1024, Tier.SILVER, HaPolicy.MIGRATE_THEN_RESTART, 9), "h1");
        place(view, vm("gold", 1, 1024, Tier.GOLD, HaPolicy.RESTART, 0), "h1");
        place(view, vm("unprotected", 1, 16, Tier.GOLD, HaPolicy.NONE, 0), "h1");

        EvacuationOutcome outcome = planner.plan(Set.of("h1"), "inc-1", view.snapshot(), T0);

        assertThat(outcome.moves()).extracting(m -> m.spec().name()).containsExactly("gold", "silver-high", "silver-low");
        assertThat(outcome.moves()).allSatisfy(m -> {
            assertThat(m.fromHostId()).isEqualTo("h1");
            assertThat(m.targetHostId()).isEqualTo("h2");
            assertThat(m.placement().generation()).isEqualTo(2);
        });
        assertThat(outcome.unplaced()).singleElement().satisfies(u -> {
            assertThat(u.spec().name()).isEqualTo("bronze");
            assertThat(u.reason()).contains("excluded: h1").contains("short of memory: h2 (1024 MiB unclaimed)");
        });
    }

    private static final AtomicInteger MOVES = new AtomicInteger();
    private static final AtomicInteger UNPLACED = new AtomicInteger();

    @AfterAll
    static void theRandomClustersExercisedBothOutcomes() {
        assertThat(MOVES.get()).as("moves over all seeds").isGreaterThan(100);
        assertThat(UNPLACED.get()).as("unplaced over all seeds").isGreaterThan(10);
    }

    static LongStream seeds() {
        return LongStream.range(0, 200);
    }

    /** Random clusters, filled by the engine itself, then random hosts fail and others turn unhealthy. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomClustersKeepEveryInvariant(long seed) {
        Random random = new Random(seed);
        ClusterView view = new ClusterView();
        int hosts = 2 + random.nextInt(10);
        for (int h = 0; h < hosts; h++) {
            view.applyInventory(host("h" + h, 1 + random.nextInt(32), 1024L * (1 + random.nextInt(64))));
        }
        Placer placer = new Placer(view, engine, planner, () -> T0);
        int vms = random.nextInt(120);
        for (int v = 0; v < vms; v++) {
            Tier tier = Tier.values()[random.nextInt(3)];
            HaPolicy policy = HaPolicy.values()[random.nextInt(HaPolicy.values().length)];
            placer.admit(vm("vm" + v, 1 + random.nextInt(16), 16 + random.nextInt(16 * 1024), tier, policy,
                    random.nextInt(5)));
        }
        Set<String> failed = new HashSet<>();
        Set<String> unhealthy = new HashSet<>();
        for (int h = 0; h < hosts; h++) {
            int roll = random.nextInt(10);
            if (roll < 3) {
                failed.add("h" + h);
            } else if (roll == 3) {
                unhealthy.add("h" + h);
                HostState state = List.of(HostState.SUSPECT, HostState.FENCED, HostState.MAINTENANCE, HostState.DOWN)
                        .get(random.nextInt(4));
                view.applyHealth(health("h" + h, state));
            }
        }
        if (failed.isEmpty()) {
            failed.add("h0");
        }
        ClusterSnapshot before = view.snapshot();

        EvacuationOutcome outcome = planner.plan(failed, "inc-" + seed, before, T0);
        MOVES.addAndGet(outcome.moves().size());
        UNPLACED.addAndGet(outcome.unplaced().size());

        // Exactly the protected VMs of failed hosts are decided, each once.
        List<String> expected = before.vms().stream()
                .filter(vm -> vm.haPolicy().isProtected())
                .filter(vm -> failed.contains(before.placement(vm.vmId()).orElseThrow().hostId()))
                .map(VmSpec::vmId).sorted().toList();
        List<String> decided = java.util.stream.Stream.concat(
                outcome.moves().stream().map(m -> m.spec().vmId()),
                outcome.unplaced().stream().map(u -> u.spec().vmId())).sorted().toList();
        assertThat(decided).isEqualTo(expected);

        // Failed and unhealthy hosts are never chosen; generations grow by one; incident recorded.
        assertThat(outcome.moves()).allSatisfy(m -> {
            assertThat(failed).doesNotContain(m.targetHostId());
            assertThat(unhealthy).doesNotContain(m.targetHostId());
            assertThat(failed).contains(m.fromHostId());
            assertThat(m.placement().generation()).isEqualTo(before.placement(m.spec().vmId()).orElseThrow().generation() + 1);
            assertThat(m.placement().incidentId()).isEqualTo("inc-" + seed);
        });

        // Recovery order: tier, then priority descending.
        assertThat(outcome.moves()).extracting(EvacuationOutcome.Move::spec).isSortedAccordingTo(EvacuationPlanner.RECOVERY_ORDER);

        // No host ends over capacity.
        ClusterSnapshot after = before;
        for (EvacuationOutcome.Move move : outcome.moves()) {
            after = after.with(move.spec(), move.placement());
        }
        for (HostStatus host : after.hosts()) {
            HostCapacity capacity = after.capacity(host, engine.ratios());
            assertThat(capacity.unclaimedMemoryBytes()).as("memory of %s", host.hostId()).isGreaterThanOrEqualTo(0);
            assertThat(capacity.unclaimedVcpus()).as("vCPUs of %s", host.hostId()).isGreaterThanOrEqualTo(0);
        }

        // An unplaced VM truly fits nowhere once the plan's moves are claimed.
        for (EvacuationOutcome.Unplaced unplaced : outcome.unplaced()) {
            assertThat(engine.place(unplaced.spec(), after, failed)).isInstanceOf(PlacementDecision.NoHostFits.class);
        }
    }

    private static void place(ClusterView view, VmSpec vm, String hostId) {
        view.applySpec(vm);
        view.applyPlacement(placement(vm, hostId, 1));
    }

    @Test
    void aVmWithoutPlacementOrOnAHealthyHostStays() {
        ClusterView view = new ClusterView();
        view.applyInventory(host("h1", 8, 4096));
        view.applyInventory(host("h2", 8, 4096));
        view.applySpec(vm("unplaced", 1, 16));
        place(view, vm("elsewhere", 1, 16), "h2");
        assertThat(planner.plan(Set.of("h1"), "inc", view.snapshot(), T0)).isEqualTo(new EvacuationOutcome(List.of(), List.of()));
    }

    @Test
    void placementReasonNamesTheFailedHosts() {
        ClusterView view = new ClusterView();
        view.applyInventory(host("h1", 8, 4096));
        view.applyInventory(host("h2", 8, 4096));
        view.applyInventory(host("h3", 8, 4096));
        place(view, vm("a", 1, 16), "h2");
        Placement moved = planner.plan(Set.of("h2", "h1"), "inc", view.snapshot(), T0).moves().get(0).placement();
        assertThat(moved.reason()).isEqualTo("evacuation of h1,h2");
        assertThat(moved.hostId()).isEqualTo("h3");
    }
}
