package io.kvmha.scheduler.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvmha.contracts.event.HostState;
import io.kvmha.contracts.event.Tier;
import io.kvmha.contracts.event.VmSpec;
import java.util.EnumSet;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Invariants on seeded random clusters (the seed is the test's name: rerun one with its seed): after
 * every accepted VM no cell is over capacity, no CPU is pinned twice, claims add up to their specs,
 * anti-affinity holds, no VM is spread over cells while an eligible host fits it in one, and the N+1
 * failover reserve holds (checked from scratch, so the incremental cache is checked too). Then a random
 * host fails and the evacuation keeps all of that, in recovery order, off the failed host.
 */
class PlacementPropertyTest {

    static final int SEEDS = Integer.getInteger("kvmha.property.seeds", 2000);

    static IntStream seeds() {
        int first = Integer.getInteger("kvmha.property.first-seed", 0);
        return IntStream.range(first, first + SEEDS);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void invariantsHoldAfterEveryDecision(int seed) {
        Random random = new Random(seed);
        PlacementEngine engine = RandomClusters.engine(random);
        ClusterView view = new ClusterView(AllocationRatios.DEFAULT);
        FailoverAdmission admission = new FailoverAdmission(1, EnumSet.allOf(Tier.class), engine);
        Placer placer = new Placer(view, engine, new EvacuationPlanner(engine), TierQuotas.NONE, admission,
                () -> Fixtures.T0);
        RandomClusters.hosts(random, 3 + random.nextInt(8), 0, 4).forEach(view::applyInventory);

        int vms = 10 + random.nextInt(40);
        for (int i = 0; i < vms; i++) {
            VmSpec vm = RandomClusters.vm(random, "vm" + i);
            boolean oneCellFits = view.read(l -> vm.numaNodes() == null
                    && engine.place(vm, l, Set.of(), 1) instanceof PlacementDecision.Placed);
            Admission result = placer.admit(vm);
            if (result instanceof Admission.Admitted admitted) {
                if (oneCellFits) {
                    assertThat(admitted.placement().numaClaims()).as("spread although one cell fits: " + vm).hasSize(1);
                }
                view.read(l -> {
                    assertThat(LedgerAudit.problems(l)).as("after " + vm.name()).isEmpty();
                    assertThat(new FailoverAdmission(1, EnumSet.allOf(Tier.class), engine).violation(l))
                            .as("N+1 reserve after " + vm.name()).isNull();
                    return null;
                });
            } else {
                assertThat(result).isInstanceOfAny(Admission.Rejected.class, Admission.Refused.class,
                        Admission.Invalid.class);
            }
        }

        String failed = view.read(l -> l.hostArray()[random.nextInt(l.hostArray().length)].hostId());
        view.exclusively(() -> {
            view.ledger().setHealth(failed, HostState.DOWN);
            return null;
        });
        EvacuationOutcome outcome = placer.evacuate("r", "i", Set.of(failed)).outcome();
        view.read(l -> {
            assertThat(LedgerAudit.problems(l)).as("after evacuation").isEmpty();
            return null;
        });
        assertThat(outcome.moves()).allSatisfy(m -> assertThat(m.targetHostId()).isNotEqualTo(failed));
        assertThat(outcome.moves()).extracting(EvacuationOutcome.Move::spec)
                .isSortedAccordingTo(EvacuationPlanner.RECOVERY_ORDER);
        assertThat(outcome.moves()).allSatisfy(m -> assertThat(m.spec().haPolicy().isProtected()).isTrue());
    }
}
