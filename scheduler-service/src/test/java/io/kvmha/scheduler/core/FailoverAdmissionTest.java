package io.kvmha.scheduler.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.Tier;
import io.kvmha.contracts.event.VmSpec;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The incremental N+1 check (plans cached per host, only changed hosts asked again) answers exactly what a check
 * from scratch answers, after every step of a random sequence of claims and releases, including the steps where the
 * reserve is broken (the ledger is changed directly, without admission control, so it can be).
 */
class FailoverAdmissionTest {

    static IntStream seeds() {
        return IntStream.range(0, 300);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void incrementalCheckAnswersAsACheckFromScratch(int seed) {
        Random random = new Random(seed);
        PlacementEngine engine = RandomClusters.engine(random);
        ClusterView view = new ClusterView(AllocationRatios.DEFAULT);
        RandomClusters.hosts(random, 3 + random.nextInt(10), 0, 4).forEach(view::applyInventory);
        FailoverAdmission incremental = new FailoverAdmission(1, EnumSet.allOf(Tier.class), engine);
        List<String> placed = new ArrayList<>();
        for (int step = 0; step < 80; step++) {
            String name = "vm" + step;
            view.exclusively(() -> {
                ClusterLedger ledger = view.ledger();
                if (!placed.isEmpty() && random.nextInt(4) == 0) {
                    String gone = placed.remove(random.nextInt(placed.size()));
                    ledger.removePlacement(gone);
                    ledger.removeSpec(gone);
                } else {
                    VmSpec vm = RandomClusters.vm(random, name);
                    if (engine.place(vm, ledger, Set.of()) instanceof PlacementDecision.Placed decision) {
                        ledger.putSpec(vm);
                        ledger.putPlacement(new Placement(vm.vmId(), decision.hostId(), 1, decision.hostCells(),
                                decision.reason(), null, Fixtures.T0, decision.claims()));
                        placed.add(vm.vmId());
                    }
                }
                String fromScratch = new FailoverAdmission(1, EnumSet.allOf(Tier.class), engine).violation(ledger);
                assertThat(incremental.violation(ledger)).as("after step %d (%s)", placed.size(), name)
                        .isEqualTo(fromScratch);
                return null;
            });
        }
    }
}
