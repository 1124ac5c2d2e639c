package io.kvmha.scheduler.core;

import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.Tier;
import io.kvmha.contracts.event.VmSpec;
import java.util.ArrayDeque;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Placements on a steady-state cluster, single-threaded: each operation places one VM of a mixed workload
 * (shared and dedicated CPUs, hugepages, 1- and 2-cell VMs, anti-affinity, host labels) with the exact
 * NUMA fit and claims it in the ledger; the oldest VM is removed once the cluster holds ~60 % of its memory,
 * so the fill level stays constant. {@code admit} runs the whole admission path (validation, duplicate name,
 * tier quota, placement, claim, N+1 failover reserve). Run by {@code bench/run scheduler-placement}.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PlacementBenchmark {

    /** Shared setup: a seeded cluster filled to ~60 % of its memory. */
    public abstract static class Cluster {
        ClusterView view;
        ClusterLedger ledger;
        PlacementEngine engine;
        VmSpec[] workload;
        final ArrayDeque<String> live = new ArrayDeque<>();
        long liveTarget;
        long next;

        void build(int hosts, int cells) {
            Random random = new Random(42);
            engine = new PlacementEngine(PlacementPolicy.DEFAULT);
            view = new ClusterView(AllocationRatios.DEFAULT);
            RandomClusters.hosts(random, hosts, cells, cells).forEach(view::applyInventory);
            workload = new VmSpec[8192];
            long memory = 0;
            for (int i = 0; i < workload.length; i++) {
                workload[i] = RandomClusters.vm(random, "w" + i, Math.max(3, hosts / 20));
                memory += workload[i].memoryMib();
            }
            long capacityMib = view.read(l -> {
                long total = 0;
                for (HostLedger h : l.hostArray()) {
                    total += h.memoryCapacityBytes();
                }
                return Units.bytesToMib(total);
            });
            liveTarget = (long) (0.6 * capacityMib / (memory / (double) workload.length));
        }

        VmSpec nextVm() {
            VmSpec t = workload[(int) (next % workload.length)];
            String id = "vm-" + next++;
            return new VmSpec(id, id, t.vcpus(), t.memoryMib(), t.tier(), t.haPolicy(), t.priority(), t.labels(),
                    t.createdAt(), t.numaNodes(), t.cpuPolicy(), t.cpuThreadPolicy(), t.hugepageSizeKib(),
                    t.affinityGroups(), t.antiAffinityGroups(), t.hostLabels());
        }

        void trim(ClusterLedger l) {
            while (live.size() > liveTarget) {
                String old = live.poll();
                l.removePlacement(old);
                l.removeSpec(old);
            }
        }
    }

    @State(Scope.Thread)
    public static class EngineState extends Cluster {
        @Param({"100", "1000", "5000"})
        int hosts;
        @Param({"2", "8"})
        int cells;

        @Setup
        public void setup() {
            build(hosts, cells);
            ledger = view.read(l -> l);
            // Fill fast with first fit from random offsets; the measured operations then use the full engine.
            Random offsets = new Random(1);
            int failures = 0;
            for (long i = 0; i < liveTarget * 2 && live.size() < liveTarget && failures < 200; i++) {
                // The fill uses only single-cell shapes on random hosts: fast, and the cluster still mixes tiers,
                // CPU policies, hugepages and groups (a full scan per VM would make a 5,000 x 8 setup take minutes).
                VmSpec vm = nextVm();
                int index = offsets.nextInt(hosts);
                HostLedger host = ledger.hostArray()[index];
                int[] cells = vm.numaNodes() == null && vm.antiAffinityGroups().isEmpty() && vm.hostLabels().isEmpty()
                        ? PlacementEngine.chooseCells(host, CellDemand.split(vm, 1)) : null;
                if (cells == null) {
                    failures++;
                    continue;
                }
                failures = 0;
                placeOne(engine.firstFit(vm, ledger, Set.of(), index));
            }
        }

        boolean placeOne() {
            VmSpec vm = nextVm();
            return placeOne(engine.place(vm, ledger, Set.of()));
        }

        private boolean placeOne(PlacementDecision decision) {
            VmSpec vm = decision.vm();
            if (decision instanceof PlacementDecision.Placed placed) {
                ledger.putSpec(vm);
                ledger.putPlacement(new Placement(vm.vmId(), placed.hostId(), 1, placed.hostCells(), placed.reason(),
                        null, Fixtures.T0, placed.claims()));
                live.add(vm.vmId());
                trim(ledger);
                return true;
            }
            return false;
        }
    }

    @State(Scope.Thread)
    public static class AdmitState extends Cluster {
        @Param({"1000"})
        int admitHosts;
        Placer placer;

        @Setup
        public void setup() {
            build(admitHosts, 2);
            placer = new Placer(view, engine, new EvacuationPlanner(engine, TierQuotas.DEFAULT), TierQuotas.NONE,
                    new FailoverAdmission(1, EnumSet.allOf(Tier.class), engine), () -> Fixtures.T0);
            for (long i = 0; i < liveTarget * 2 && live.size() < liveTarget; i++) {
                admitOne();
            }
        }

        boolean admitOne() {
            VmSpec vm = nextVm();
            Admission admission = placer.admit(vm);
            if (admission instanceof Admission.Admitted) {
                live.add(vm.vmId());
                view.exclusively(() -> {
                    trim(view.ledger());
                    return null;
                });
                return true;
            }
            return false;
        }
    }

    /** Engine + claim: filters, exact NUMA fit, weighers, ledger update. */
    @Benchmark
    public boolean place(EngineState state) {
        return state.placeOne();
    }

    /** The whole admission path of {@code POST /api/v1/vms} minus Kafka: also quotas and the N+1 reserve. */
    @Benchmark
    public boolean admit(AdmitState state) {
        return state.admitOne();
    }

    /** Keeps {@code List} imported for javadoc tools that resolve it. */
    static List<String> names() {
        return List.of("place", "admit");
    }
}
