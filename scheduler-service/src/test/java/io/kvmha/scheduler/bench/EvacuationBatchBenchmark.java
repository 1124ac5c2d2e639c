package io.kvmha.scheduler.bench;

import io.kvmha.scheduler.core.EvacuationAsk;
import io.kvmha.contracts.event.HaPolicy;
import io.kvmha.contracts.event.HostState;
import io.kvmha.contracts.event.Tier;
import io.kvmha.contracts.event.VmSpec;
import io.kvmha.scheduler.core.AllocationRatios;
import io.kvmha.scheduler.core.ClusterLedger;
import io.kvmha.scheduler.core.ClusterView;
import io.kvmha.scheduler.core.EvacuationOutcome;
import io.kvmha.scheduler.core.EvacuationPlanner;
import io.kvmha.scheduler.core.FailoverAdmission;
import io.kvmha.scheduler.core.Fixtures;
import io.kvmha.scheduler.core.PlacementEngine;
import io.kvmha.scheduler.core.PlacementPolicy;
import io.kvmha.scheduler.core.Placer;
import io.kvmha.scheduler.core.TierQuotas;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A rack of 50 hosts fails at once in a 1,000-host cluster (2 cells of 12 cores x 2 threads / 24 GiB each) running
 * 10,000 HA VMs (mixed tiers, priorities, sizes, shapes, some pinned): the time to plan and claim the 50 evacuation
 * requests one by one (as the listener did) and as one batch (one pass in global recovery order), through
 * {@link Placer#evacuateAll}, with the default tier quotas. Each mode plans on a fresh copy of the same cluster;
 * rounds alternate the modes. Not a test (no Surefire suffix); run from the test classpath:
 *
 * <pre>
 * ./mvnw -B -q -o -pl scheduler-service test-compile
 * java -cp scheduler-service/target/test-classes:scheduler-service/target/classes:$(cat cp.txt) \
 *   io.kvmha.scheduler.bench.EvacuationBatchBenchmark [rounds]
 * </pre>
 */
public final class EvacuationBatchBenchmark {

    private static final int HOSTS = 1000;
    private static final int VMS_PER_HOST = 10;
    private static final int FAILED = 50;
    private static final int WARM_UP = 2;

    private EvacuationBatchBenchmark() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        long[][] oneByOne = new long[2][rounds];
        long[][] batch = new long[2][rounds];
        for (int round = -WARM_UP; round < rounds; round++) {
            Result single = run(false);
            Result together = run(true);
            if (round == -WARM_UP) {
                System.out.println("one by one: " + single);
                System.out.println("batch:      " + together);
            }
            if (round >= 0) {
                oneByOne[0][round] = single.nanos();
                oneByOne[1][round] = single.cpuNanos();
                batch[0][round] = together.nanos();
                batch[1][round] = together.cpuNanos();
            }
        }
        System.out.printf("planning %d requests (%d hosts of %d, %d VMs each), %d rounds after %d warm-up:%n",
                FAILED, FAILED, HOSTS, VMS_PER_HOST, rounds, WARM_UP);
        System.out.println("  one by one: wall " + millis(oneByOne[0]) + "; thread CPU " + millis(oneByOne[1]));
        System.out.println("  batch:      wall " + millis(batch[0]) + "; thread CPU " + millis(batch[1]));
    }

    /** @param inversions GOLD VMs decided after a SILVER or BRONZE one, in decision order */
    private record Result(long nanos, long cpuNanos, int moves, int unplaced, int goldUnplaced, int inversions) {
        @Override
        public String toString() {
            return String.format("%.1f ms (CPU %.1f ms), %d moves, %d unplaced (%d GOLD), %d GOLD decided after a lower tier",
                    nanos / 1e6, cpuNanos / 1e6, moves, unplaced, goldUnplaced, inversions);
        }
    }

    private static Result run(boolean together) {
        PlacementEngine engine = new PlacementEngine(PlacementPolicy.DEFAULT);
        ClusterView view = new ClusterView(AllocationRatios.DEFAULT);
        Placer placer = new Placer(view, engine, new EvacuationPlanner(engine, TierQuotas.DEFAULT), TierQuotas.DEFAULT,
                new FailoverAdmission(0, EnumSet.allOf(Tier.class), engine), () -> Fixtures.T0);
        view.exclusively(() -> {
            populate(view.ledger(), engine);
            return null;
        });
        List<EvacuationAsk> requests = new ArrayList<>();
        for (int i = 0; i < FAILED; i++) {
            String hostId = hostId(i);
            view.applyHealth(Fixtures.health(hostId, HostState.DOWN));
            requests.add(new EvacuationAsk("req-" + i, "inc-" + i, List.of(hostId), List.of(), List.of()));
        }
        List<Placer.Evacuation> answers = new ArrayList<>();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        if (together) {
            answers.addAll(placer.evacuateAll(requests));
        } else {
            for (EvacuationAsk request : requests) {
                answers.addAll(placer.evacuateAll(List.of(request)));
            }
        }
        long nanos = System.nanoTime() - start;
        long cpuNanos = threads.getCurrentThreadCpuTime() - cpuStart;
        int moves = 0;
        int unplaced = 0;
        int goldUnplaced = 0;
        List<EvacuationOutcome.Move> decided = new ArrayList<>();
        for (Placer.Evacuation answer : answers) {
            moves += answer.outcome().moves().size();
            unplaced += answer.outcome().unplaced().size();
            goldUnplaced += (int) answer.outcome().unplaced().stream().filter(u -> u.spec().tier() == Tier.GOLD).count();
            decided.addAll(answer.outcome().moves());
        }
        if (together) {
            decided.sort((a, b) -> EvacuationPlanner.RECOVERY_ORDER.compare(a.spec(), b.spec()));
        }
        int inversions = 0;
        boolean lowerSeen = false;
        for (EvacuationOutcome.Move move : decided) {
            if (move.spec().tier() != Tier.GOLD) {
                lowerSeen = true;
            } else if (lowerSeen) {
                inversions++;
            }
        }
        return new Result(nanos, cpuNanos, moves, unplaced, goldUnplaced, inversions);
    }

    /** The same cluster every time (seeded): each VM lands on its own host (first fit from the host's index). */
    private static void populate(ClusterLedger ledger, PlacementEngine engine) {
        Random random = new Random(7);
        for (int h = 0; h < HOSTS; h++) {
            ledger.putInventory(Fixtures.numaHost(hostId(h), 2, 12, 24 * 1024, 0, Map.of()));
        }
        for (int h = 0; h < HOSTS; h++) {
            for (int v = 0; v < VMS_PER_HOST; v++) {
                String id = hostId(h) + "-vm" + v;
                boolean big = v % 5 == 0;
                VmSpec spec = new VmSpec(id, id, big ? 8 : 2, big ? 8192 : 1024L * (1 + random.nextInt(4)),
                        Tier.values()[random.nextInt(3)], HaPolicy.RESTART, random.nextInt(10), Map.of(), Fixtures.T0,
                        v % 5 == 0 ? 2 : null, v % 7 == 0 ? VmSpec.CpuPolicy.DEDICATED : null, null, null,
                        List.of(), List.of(), Map.of());
                Fixtures.claimFirstFit(ledger, engine, spec, h);
            }
        }
    }

    private static String hostId(int index) {
        return String.format("h%04d", index);
    }

    private static String millis(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return String.format("min %.1f / median %.1f / max %.1f ms", sorted[0] / 1e6,
                sorted[sorted.length / 2] / 1e6, sorted[sorted.length - 1] / 1e6);
    }
}
