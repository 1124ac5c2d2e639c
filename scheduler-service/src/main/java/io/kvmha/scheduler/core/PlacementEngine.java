package io.kvmha.scheduler.core;

import io.kvmha.contracts.event.VmSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Chooses a host for one VM: among ONLINE hosts not excluded, those whose unclaimed memory and vCPUs
 * (under the allocation ratios) fit the VM, the one with the most unclaimed memory, so load spreads and
 * the largest holes stay available. Ties go to the smaller host id, so decisions are reproducible.
 *
 * <p>Pure: it reads a snapshot and claims nothing. NUMA-cell fit will refine {@link #fits} later.
 */
public final class PlacementEngine {

    /** Hosts named per refusal cause in an explanation before the rest is only counted. */
    private static final int HOSTS_NAMED_PER_CAUSE = 3;

    private static final Comparator<HostCapacity> BY_MOST_UNCLAIMED_MEMORY =
            Comparator.comparingLong(HostCapacity::unclaimedMemoryBytes).reversed()
                    .thenComparing(HostCapacity::hostId);

    private final AllocationRatios ratios;

    public PlacementEngine(AllocationRatios ratios) {
        this.ratios = ratios;
    }

    public AllocationRatios ratios() {
        return ratios;
    }

    public PlacementDecision place(VmSpec vm, ClusterSnapshot cluster, Set<String> excludedHostIds) {
        List<Refusal> refusals = new ArrayList<>();
        HostCapacity best = null;
        for (HostStatus host : cluster.hosts()) {
            HostCapacity capacity = cluster.capacity(host, ratios);
            Refusal refusal = refusal(vm, host, capacity, excludedHostIds);
            if (refusal != null) {
                refusals.add(refusal);
            } else if (best == null || BY_MOST_UNCLAIMED_MEMORY.compare(capacity, best) < 0) {
                best = capacity;
            }
        }
        if (best == null) {
            return new PlacementDecision.NoHostFits(vm, explain(vm, cluster, refusals), refusals);
        }
        String reason = "most unclaimed memory: " + Units.bytesToMib(best.unclaimedMemoryBytes()) + " of "
                + Units.bytesToMib(best.memoryBytes()) + " MiB, " + best.unclaimedVcpus() + " of " + best.vcpus()
                + " vCPUs unclaimed before this VM";
        return new PlacementDecision.Placed(vm, best.hostId(), reason, refusals);
    }

    private static Refusal refusal(VmSpec vm, HostStatus host, HostCapacity capacity, Set<String> excluded) {
        String id = host.hostId();
        if (excluded.contains(id)) {
            return new Refusal(id, Refusal.Cause.EXCLUDED, id);
        }
        if (!host.state().acceptsVms()) {
            return new Refusal(id, Refusal.Cause.NOT_ONLINE, id + " (" + host.state() + ")");
        }
        long needBytes = Units.mibToBytes(vm.memoryMib());
        if (capacity.unclaimedMemoryBytes() < needBytes) {
            return new Refusal(id, Refusal.Cause.MEMORY,
                    id + " (" + Units.bytesToMib(Math.max(0, capacity.unclaimedMemoryBytes())) + " MiB unclaimed)");
        }
        if (capacity.unclaimedVcpus() < vm.vcpus()) {
            return new Refusal(id, Refusal.Cause.VCPUS,
                    id + " (" + Math.max(0, capacity.unclaimedVcpus()) + " vCPUs unclaimed)");
        }
        return null;
    }

    /** "no host fits vm web-1 (2 vCPUs, 512 MiB) among 3 hosts: not ONLINE: h1 (DOWN); short of memory: ..." */
    private static String explain(VmSpec vm, ClusterSnapshot cluster, List<Refusal> refusals) {
        String head = "no host fits vm " + vm.name() + " (" + vm.vcpus() + " vCPUs, " + vm.memoryMib() + " MiB)";
        if (cluster.hosts().isEmpty()) {
            return head + ": no hosts known (no host inventory received)";
        }
        Map<Refusal.Cause, List<Refusal>> byCause = refusals.stream()
                .collect(Collectors.groupingBy(Refusal::cause, () -> new EnumMap<>(Refusal.Cause.class), Collectors.toList()));
        String causes = byCause.entrySet().stream()
                .map(e -> e.getKey().label() + ": " + summarise(e.getValue()))
                .collect(Collectors.joining("; "));
        return head + " among " + cluster.hosts().size() + " host" + (cluster.hosts().size() == 1 ? "" : "s") + ": " + causes;
    }

    private static String summarise(List<Refusal> refusals) {
        String named = refusals.stream().limit(HOSTS_NAMED_PER_CAUSE).map(Refusal::detail).collect(Collectors.joining(", "));
        int more = refusals.size() - HOSTS_NAMED_PER_CAUSE;
        return more > 0 ? named + " and " + more + " more" : named;
    }
}
