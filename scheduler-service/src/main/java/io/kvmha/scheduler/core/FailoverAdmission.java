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
 * cached per failed host with the questions they asked each host (and, per host, the plans that asked it). A
 * check compares each host's version with the one it saw last (one array pass, O(hosts)); a changed host's own
 * plan is simulated again, and a plan that asked a changed host asks it its questions again: when the yes-or-no
 * answers are the same, a fresh first fit would place every VM where the plan does, so the plan stands (see
 * {@link RestartPlan}); otherwise it is simulated again. An admission thus costs one host simulation plus a
 * question or two per plan that used the new VM's host, and its answer is exactly that of a check from scratch
 * (a plan with a VM in an affinity group is, as before, simulated again only when a host it asked changed).
 *
 * <p>Not thread-safe; called under the {@link ClusterView} lock.
 */
public final class FailoverAdmission {

    private final int hostFailures;
    private final Set<Tier> countedTiers;
    private final PlacementEngine engine;
    /** Per host position (within {@link #indexed}): its proven restart plan; null = not proven (yet or any more). */
    private RestartPlan[] plans = new RestartPlan[0];
    /** Per host position: the version seen by the last check. */
    private long[] seen = new long[0];
    /** Per host position: the hosts whose plans asked it to take a VM (took it or not). */
    private IntSet[] dependents = new IntSet[0];
    /** Per host position of a plan: the asked hosts that changed since it was proven, to replay on. */
    private IntSet[] replays = new IntSet[0];
    private final Map<String, Integer> positions = new HashMap<>();
    private HostLedger[] indexed;
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

    /** Null when the invariant holds, else why not (naming the failed host and the VM that fits nowhere). */
    public String violation(ClusterLedger ledger) {
        if (hostFailures == 0) {
            return null;
        }
        HostLedger[] hosts = ledger.hostArray();
        if (ledger.epoch() != epoch || hosts != indexed) {
            reset(ledger.epoch(), hosts);
        }
        invalidateChanged(hosts);
        for (int i = 0; i < hosts.length; i++) {
            if (plans[i] != null && !replays[i].isEmpty() && !replaysUnchanged(i, hosts)) {
                forget(i);
            }
            replays[i].clear();
            if (plans[i] != null || !candidate(hosts[i])) {
                continue;
            }
            RestartPlan plan = new RestartPlan();
            String failure = simulate(Set.of(hosts[i].hostId()), ledger, plan);
            if (failure != null) {
                return failure;
            }
            remember(i, plan);
        }
        if (hostFailures > 1) {
            Set<String> worst = new LinkedHashSet<>();
            Arrays.stream(hosts).filter(this::candidate)
                    .sorted(Comparator.comparingLong(this::countedMemory).reversed().thenComparing(HostLedger::hostId))
                    .limit(hostFailures).forEach(h -> worst.add(h.hostId()));
            return simulate(worst, ledger, null);
        }
        return null;
    }

    /**
     * A proven restart plan of one failed host, as the hosts it asked saw it: per asked host, in order, the VM,
     * its guest cell count and the claims the host offered (null = refused). Which host takes which VM in a
     * first-fit simulation follows from those yes-or-no answers alone, and each host's answers depend on that host
     * alone (its state plus the plan's own earlier restarts on it) for VMs without affinity groups; so when every
     * changed host answers yes and no as before, a fresh simulation would place every VM where this plan does, and
     * only the changed hosts' few questions need asking again.
     */
    private static final class RestartPlan {
        final Map<Integer, List<Question>> asked = new HashMap<>();
        /** False when a VM has affinity groups: its answers depend on where the group runs, so always re-simulate. */
        boolean replayable = true;
        Question last;

        void asked(int host, VmSpec vm, int cells) {
            last = new Question(vm, cells);
            asked.computeIfAbsent(host, h -> new ArrayList<>(2)).add(last);
        }
    }

    /** One question of a restart simulation to one host; {@code claims} null = the host refused. */
    private static final class Question {
        final VmSpec vm;
        final int cells;
        /** Set once the host took the VM (it is then the VM's last question). */
        List<Placement.NumaClaim> claims;

        Question(VmSpec vm, int cells) {
            this.vm = vm;
            this.cells = cells;
        }
    }

    /** A new host set (or new health or drain flags): every plan is simulated again. */
    private void reset(long newEpoch, HostLedger[] hosts) {
        epoch = newEpoch;
        indexed = hosts;
        positions.clear();
        for (int i = 0; i < hosts.length; i++) {
            positions.put(hosts[i].hostId(), i);
        }
        plans = new RestartPlan[hosts.length];
        seen = new long[hosts.length];
        Arrays.fill(seen, -1);
        dependents = new IntSet[hosts.length];
        replays = new IntSet[hosts.length];
        for (int i = 0; i < hosts.length; i++) {
            dependents[i] = new IntSet();
            replays[i] = new IntSet();
        }
    }

    /**
     * One pass over the hosts' versions (O(hosts) per admission, however many plans there are): a changed host's
     * own plan is simulated again (its VMs changed); the plans that asked it are replayed on it.
     */
    private void invalidateChanged(HostLedger[] hosts) {
        for (int i = 0; i < hosts.length; i++) {
            long version = hosts[i].version();
            if (version == seen[i]) {
                continue;
            }
            seen[i] = version;
            forget(i);
            IntSet users = dependents[i];
            for (int k = users.size() - 1; k >= 0; k--) {
                int user = users.get(k);
                if (plans[user].replayable) {
                    replays[user].add(i);
                } else {
                    forget(user);
                }
            }
        }
    }

    /** Whether every changed host asked by plan {@code i} answers its questions as before (then the plan stands). */
    private boolean replaysUnchanged(int i, HostLedger[] hosts) {
        Set<String> failed = Set.of(hosts[i].hostId());
        IntSet changed = replays[i];
        for (int k = 0; k < changed.size(); k++) {
            if (!answersAgain(hosts[changed.get(k)], plans[i].asked.get(changed.get(k)), failed)) {
                return false;
            }
        }
        return true;
    }

    private boolean answersAgain(HostLedger host, List<Question> questions, Set<String> failed) {
        long version = host.version();
        List<String> charged = new ArrayList<>(questions.size());
        try {
            for (Question question : questions) {
                List<Placement.NumaClaim> answer = engine.offer(question.vm, host, failed, question.cells);
                if ((answer == null) != (question.claims == null)) {
                    return false;
                }
                // Same yes or no: which hosts take which VMs is unchanged; the cells may differ, and they are what
                // this host's later questions see, so the record follows the fresh answer.
                question.claims = answer;
                if (answer != null) {
                    host.charge(question.vm, simulated(question.vm, host, answer));
                    charged.add(question.vm.vmId());
                }
            }
            return true;
        } finally {
            for (int k = charged.size() - 1; k >= 0; k--) {
                host.uncharge(charged.get(k));
            }
            host.restoreVersion(version);
        }
    }

    private void remember(int host, RestartPlan plan) {
        for (int target : plan.asked.keySet()) {
            dependents[target].add(host);
        }
        plans[host] = plan;
    }

    private void forget(int host) {
        RestartPlan plan = plans[host];
        if (plan == null) {
            return;
        }
        plans[host] = null;
        for (int target : plan.asked.keySet()) {
            dependents[target].remove(host);
        }
    }

    /** A small set of host positions: add, remove and iterate without boxing. */
    private static final class IntSet {
        private int[] values = new int[4];
        private int size;

        int size() {
            return size;
        }

        boolean isEmpty() {
            return size == 0;
        }

        int get(int index) {
            return values[index];
        }

        void clear() {
            size = 0;
        }

        void add(int value) {
            for (int i = 0; i < size; i++) {
                if (values[i] == value) {
                    return;
                }
            }
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        void remove(int value) {
            for (int i = 0; i < size; i++) {
                if (values[i] == value) {
                    values[i] = values[--size];
                    return;
                }
            }
        }
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

    /**
     * Restarts the counted HA VMs of {@code failed} in recovery order on the other hosts, first fit, then
     * undoes every simulated charge. Records in {@code plan} (when given) every host asked and its answers.
     */
    private String simulate(Set<String> failed, ClusterLedger ledger, RestartPlan plan) {
        List<VmSpec> toRestart = new ArrayList<>();
        for (String hostId : failed) {
            ledger.host(hostId).ifPresent(h -> h.specs().stream()
                    .filter(vm -> vm.haPolicy().isProtected() && countedTiers.contains(vm.tier()))
                    .forEach(toRestart::add));
        }
        toRestart.sort(EvacuationPlanner.RECOVERY_ORDER);
        Map<HostLedger, Long> touched = new HashMap<>();
        List<HostLedger> chargedOn = new ArrayList<>();
        List<String> chargedVms = new ArrayList<>();
        try {
            for (VmSpec vm : toRestart) {
                PlacementEngine.FitObserver observer = plan == null ? null
                        : (host, cells) -> plan.asked(positions.get(host.hostId()), vm, cells);
                PlacementDecision decision = engine.firstFit(vm, ledger, failed, vm.vmId().hashCode(), observer);
                if (!(decision instanceof PlacementDecision.Placed placed)) {
                    return "the HA VMs of " + String.join("+", new HashSet<>(failed))
                            + " could no longer all restart: " + ((PlacementDecision.NoHostFits) decision).explanation();
                }
                if (plan != null) {
                    plan.last.claims = placed.claims();
                    plan.replayable &= vm.affinityGroups().isEmpty();
                }
                HostLedger target = ledger.hostArray()[positions.get(placed.hostId())];
                touched.putIfAbsent(target, target.version());
                target.charge(vm, simulated(vm, target, placed.claims()));
                chargedOn.add(target);
                chargedVms.add(vm.vmId());
            }
        } finally {
            for (int i = chargedOn.size() - 1; i >= 0; i--) {
                chargedOn.get(i).uncharge(chargedVms.get(i));
            }
            touched.forEach(HostLedger::restoreVersion);
        }
        return null;
    }

    private static Placement simulated(VmSpec vm, HostLedger host, List<Placement.NumaClaim> claims) {
        return new Placement(vm.vmId(), host.hostId(), 0, claims.stream().map(Placement.NumaClaim::hostCell).toList(),
                null, null, Instant.EPOCH, claims);
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
