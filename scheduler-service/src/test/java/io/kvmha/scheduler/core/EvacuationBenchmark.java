package io.kvmha.scheduler.core;

import io.kvmha.contracts.event.HaPolicy;
import io.kvmha.contracts.event.HostState;
import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.Tier;
import io.kvmha.contracts.event.VmSpec;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Evacuation plan time on a 1,000-host cluster (2 cells of 12 cores x 2 threads / 24 GiB each) holding 50 HA VMs per host
 * (mixed tiers, priorities, shapes; ~53 % of memory): plan and claim the restart of every VM of 1 or of 50
 * failed hosts (50 or 2,500 VMs), with recovery order, exact NUMA fit with shape kept, tier quotas. The
 * plan is undone after each measurement (not timed). Run by {@code bench/run scheduler-evacuation}.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Thread)
public class EvacuationBenchmark {

    @Param({"1", "50"})
    int failedHosts;

    ClusterView view;
    ClusterLedger ledger;
    EvacuationPlanner planner;
    Set<String> failed;
    EvacuationOutcome outcome;
    List<Placement> originals;
    int round;

    @Setup(Level.Trial)
    public void cluster() {
        Random random = new Random(7);
        PlacementEngine engine = new PlacementEngine(PlacementPolicy.DEFAULT);
        view = new ClusterView(AllocationRatios.DEFAULT);
        ledger = view.read(l -> l);
        planner = new EvacuationPlanner(engine, TierQuotas.DEFAULT);
        for (int h = 0; h < 1000; h++) {
            String hostId = String.format("h%04d", h);
            ledger.putInventory(Fixtures.numaHost(hostId, 2, 12, 24 * 1024, 0, Map.of()));
            for (int v = 0; v < 50; v++) {
                String id = hostId + "-vm" + v;
                Tier tier = Tier.values()[v % 3];
                boolean big = v % 10 == 0;
                VmSpec spec = new VmSpec(id, id, big ? 4 : 1, big ? 1024 : 256L * (1 + random.nextInt(3)),
                        tier, HaPolicy.RESTART, random.nextInt(10), Map.of(), Fixtures.T0,
                        v % 25 == 0 ? 2 : null, v % 14 == 0 ? VmSpec.CpuPolicy.DEDICATED : null, null, null,
                        List.of(), List.of(), Map.of());
                // First fit from this host's own index: lands here while it has room.
                Fixtures.claimFirstFit(ledger, engine, spec, h);
            }
        }
    }

    @Setup(Level.Invocation)
    public void fail() {
        failed = new LinkedHashSet<>();
        for (int i = 0; i < failedHosts; i++) {
            failed.add(String.format("h%04d", (round * 97 + i * 19) % 1000));
        }
        round++;
        originals = new ArrayList<>();
        for (String h : failed) {
            ledger.setHealth(h, HostState.DOWN);
            ledger.vmIdsPlacedOn(h).forEach(vm -> originals.add(ledger.placement(vm).orElseThrow()));
        }
    }

    @Benchmark
    public EvacuationOutcome plan() {
        outcome = planner.plan(failed, "inc", ledger, Fixtures.T0);
        return outcome;
    }

    @TearDown(Level.Invocation)
    public void undo() {
        if (round == 1) {
            // Shown in the JMH log, so a reader can check the plan placed everything.
            System.out.println("plan of " + failedHosts + " failed hosts: " + outcome.moves().size() + " moves, "
                    + outcome.unplaced().size() + " unplaced" + (outcome.unplaced().isEmpty() ? ""
                    : "; first: " + outcome.unplaced().get(0).spec() + ": " + outcome.unplaced().get(0).reason()));
        }
        originals.forEach(ledger::forcePlacement);
        failed.forEach(h -> ledger.setHealth(h, null));
    }
}
