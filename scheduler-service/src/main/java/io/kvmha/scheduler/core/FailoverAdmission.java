package io.kvmha.scheduler.core;

import io.kvmha.contracts.event.HostState;
import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.Tier;
import io.kvmha.contracts.event.VmSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Failover admission control (N+K): the cluster must be able to restart every HA VM (of the counted
 * tiers) of any one failed ONLINE host on the hosts that remain. For K &gt; 1 the K hosts carrying the
 * most counted HA memory are also checked failing together (checking every K-subset is combinatorial;
 * this is the documented approximation).
 *
 * <p>A restart plan is proven by simulation with the real NUMA fit (first fit over the other hosts in a
 * rotating order), charging each simulated restart so later VMs see it, then undoing it. Plans are
 * cached per failed host with the versions of the hosts they used; after a claim only the plans that
 * touched the changed host (and that host's own) are simulated again, which keeps an admission at a
 * few host simulations instead of one per host.
 *
 * <p>Not thread-safe; called under the {@link ClusterView} lock.
 */
public final class FailoverAdmission {

    private final int hostFailures;
    private final Set<Tier> countedTiers;
    private final PlacementEngine engine;
    private final Map<String, CachedPlan> plans = new HashMap<>();
    private long epoch = -1;

    /** @param hostFailures K: host failures to survive (0 disables the check) */
    public FailoverAdmission(int hostFailures, Set<Tier> countedTiers, PlacementEngine engine) {
        if (hostFailures < 0) {
            throw new IllegalArgumentException("hostFailures must be >= 0, was " + hostFailures);
        }
        this.hostFailures = hostFailures;
        this.countedTiers = countedTiers.isEmpty() ? EnumSet.noneOf(Tier.class) : EnumSet.copyOf(countedTiers);
        this.engine = engine;
    }

    public int hostFailures() {
        return hostFailures;
    }

    public Set<Tier> countedTiers() {
        return Set.copyOf(countedTiers);
    }

    private record CachedPlan(long hostVersion, Map<String, Long> targetVersions) {
    }

    /** Null when the invariant holds, else why not (naming the failed host and the VM that fits nowhere). */
    public String violation(ClusterLedger ledger) {
        if (hostFailures == 0) {
            return null;
        }
        if (ledger.epoch() != epoch) {
            plans.clear();
            epoch = ledger.epoch();
        }
        HostLedger[] hosts = ledger.hostArray();
        for (HostLedger host : hosts) {
            if (!candidate(host) || valid(plans.get(host.hostId()), host, ledger)) {
                continue;
            }
            Map<String, Long> targets = new HashMap<>();
            String failure = simulate(Set.of(host.hostId()), ledger, targets);
            if (failure != null) {
                plans.remove(host.hostId());
                return failure;
            }
            plans.put(host.hostId(), new CachedPlan(host.version(), targets));
        }
        if (hostFailures > 1) {
            Set<String> worst = new LinkedHashSet<>();
            Arrays.stream(hosts).filter(this::candidate)
                    .sorted(Comparator.comparingLong(this::countedMemory).reversed().thenComparing(HostLedger::hostId))
                    .limit(hostFailures).forEach(h -> worst.add(h.hostId()));
            return simulate(worst, ledger, new HashMap<>());
        }
        return null;
    }

    private boolean candidate(HostLedger host) {
        return host.state() == HostState.ONLINE && countedMemory(host) > 0;
    }

    private long countedMemory(HostLedger host) {
        long bytes = 0;
        for (Tier tier : countedTiers) {
            bytes += host.protectedMemoryBytes(tier);
        }
        return bytes;
    }

    private static boolean valid(CachedPlan plan, HostLedger host, ClusterLedger ledger) {
        if (plan == null || plan.hostVersion() != host.version()) {
            return false;
        }
        for (Map.Entry<String, Long> target : plan.targetVersions().entrySet()) {
            HostLedger t = ledger.host(target.getKey()).orElse(null);
            if (t == null || t.version() != target.getValue()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Restarts the counted HA VMs of {@code failed} in recovery order on the other hosts, first fit, then
     * undoes every simulated charge. Fills {@code targets} with the hosts used and their versions.
     */
    private String simulate(Set<String> failed, ClusterLedger ledger, Map<String, Long> targets) {
        List<VmSpec> toRestart = new ArrayList<>();
        for (String hostId : failed) {
            ledger.host(hostId).ifPresent(h -> h.specs().stream()
                    .filter(vm -> vm.haPolicy().isProtected() && countedTiers.contains(vm.tier()))
                    .forEach(toRestart::add));
        }
        toRestart.sort(EvacuationPlanner.RECOVERY_ORDER);
        Map<HostLedger, Long> touched = new HashMap<>();
        List<Object[]> charged = new ArrayList<>();
        try {
            for (VmSpec vm : toRestart) {
                PlacementDecision decision = engine.firstFit(vm, ledger, failed, vm.vmId().hashCode());
                if (!(decision instanceof PlacementDecision.Placed placed)) {
                    return "the HA VMs of " + String.join("+", new HashSet<>(failed))
                            + " could no longer all restart: " + ((PlacementDecision.NoHostFits) decision).explanation();
                }
                HostLedger target = ledger.host(placed.hostId()).orElseThrow();
                touched.putIfAbsent(target, target.version());
                target.charge(vm, new Placement(vm.vmId(), target.hostId(), 0, placed.hostCells(), null, null,
                        Instant.EPOCH, placed.claims()));
                charged.add(new Object[] {target, vm.vmId()});
            }
        } finally {
            for (int i = charged.size() - 1; i >= 0; i--) {
                ((HostLedger) charged.get(i)[0]).uncharge((String) charged.get(i)[1]);
            }
            touched.forEach(HostLedger::restoreVersion);
        }
        touched.forEach((host, version) -> targets.put(host.hostId(), version));
        return null;
    }

    /**
     * Failover headroom: the smallest, over every ONLINE host, of the memory left unclaimed on the other
     * hosts accepting VMs after its counted HA VMs restarted there (aggregate memory, not a NUMA fit).
     * Negative means some host's HA VMs no longer fit even in aggregate.
     */
    public long headroomBytes(ClusterLedger ledger) {
        long free = 0;
        for (HostLedger host : ledger.hostArray()) {
            if (host.acceptsVms()) {
                free += host.memoryFreeBytes();
            }
        }
        long headroom = free;
        for (HostLedger host : ledger.hostArray()) {
            if (host.state() == HostState.ONLINE) {
                long others = free - (host.acceptsVms() ? host.memoryFreeBytes() : 0);
                headroom = Math.min(headroom, others - countedMemory(host));
            }
        }
        return headroom;
    }
}
