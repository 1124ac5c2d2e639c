package io.kvmha.scheduler.core;

import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.Tier;
import io.kvmha.contracts.event.VmSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Plans where VMs go when hosts fail (restart) or are drained (live migration): in recovery order
 * (GOLD, SILVER, BRONZE, then priority descending, then name), one at a time, each move claimed in the
 * ledger before the next decision, so a plan never over-commits a cell.
 *
 * <p>NUMA shape: a restart first asks for the guest cell count the VM had; only when no host fits that
 * does it fall back to the spec's own request, and the move's reason says so. A live migration cannot
 * change the guest's NUMA topology, so a drain keeps the shape strictly.
 *
 * <p>Tier quotas: SILVER and BRONZE restarts stay within their tier's share of the surviving capacity;
 * GOLD may borrow beyond its share.
 */
public final class EvacuationPlanner {

    /** Recovery order: tier first, then higher priority first; name and id make it total. */
    public static final Comparator<VmSpec> RECOVERY_ORDER = Comparator.comparing(VmSpec::tier)
            .thenComparing(Comparator.comparingInt(VmSpec::priority).reversed())
            .thenComparing(VmSpec::name)
            .thenComparing(VmSpec::vmId);

    private final PlacementEngine engine;
    private final TierQuotas quotas;

    public EvacuationPlanner(PlacementEngine engine, TierQuotas quotas) {
        this.engine = engine;
        this.quotas = quotas;
    }

    public EvacuationPlanner(PlacementEngine engine) {
        this(engine, TierQuotas.NONE);
    }

    /** Plans and claims the restart of the protected VMs of failed hosts. */
    public EvacuationOutcome plan(Set<String> failedHostIds, String incidentId, ClusterLedger ledger, Instant now) {
        return plan(List.of(new FailedHosts(incidentId, failedHostIds)), ledger, now).get(0);
    }

    /**
     * The hosts one evacuation request names, and its incident.
     *
     * @param hostIds in the request's order (the order its VMs are collected in; recovery order decides the rest)
     */
    public record FailedHosts(String incidentId, Set<String> hostIds) {
    }

    /**
     * Plans and claims the restart of the protected VMs of several requests' failed hosts in one pass: the VMs of
     * all of them in one recovery order (every GOLD VM of every request placed before any SILVER one, so a rack
     * that fails at once gives its GOLD VMs first pick of capacity), none of them on any failed host of the batch,
     * within one tier-quota tally. Each move keeps its own request's incident and reason. A VM on a host named by
     * several requests belongs to the first of them. The caller gives at most one request per incident and host
     * set (a second one would find the first one's moves already made, so it plans after it).
     *
     * @return one outcome per request, in their order
     */
    public List<EvacuationOutcome> plan(List<FailedHosts> requests, ClusterLedger ledger, Instant now) {
        int n = requests.size();
        String[] reasons = new String[n];
        Set<String> excluded = new HashSet<>();
        Map<String, Map<String, Integer>> byIncidentAndReason = new HashMap<>();
        List<List<EvacuationOutcome.Move>> moves = new ArrayList<>(n);
        List<List<EvacuationOutcome.Unplaced>> unplaced = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            FailedHosts request = requests.get(i);
            reasons[i] = reason(request.hostIds());
            excluded.addAll(request.hostIds());
            byIncidentAndReason.computeIfAbsent(request.incidentId(), k -> new HashMap<>()).putIfAbsent(reasons[i], i);
            moves.add(new ArrayList<>());
            unplaced.add(new ArrayList<>());
        }
        // A request redelivered to another instance (the active placer died after publishing some placements
        // but before the plan) must not lose those moves: VMs this incident already moved are in the plan
        // again, with the placement they have, and are not placed a second time.
        for (VmSpec vm : ledger.specs()) {
            Placement p = ledger.placement(vm.vmId()).orElse(null);
            Map<String, Integer> byReason = p == null || p.incidentId() == null ? null
                    : byIncidentAndReason.get(p.incidentId());
            Integer i = byReason == null ? null : byReason.get(p.reason());
            if (i != null && !requests.get(i).hostIds().contains(p.hostId())) {
                moves.get(i).add(new EvacuationOutcome.Move(vm, null, p, "already placed for this incident"));
            }
        }
        moves.forEach(m -> m.sort(Comparator.comparing(EvacuationOutcome.Move::spec, RECOVERY_ORDER)));
        List<Pending> toMove = new ArrayList<>();
        Set<String> collected = new HashSet<>();
        for (int i = 0; i < n; i++) {
            for (String hostId : requests.get(i).hostIds()) {
                for (String vmId : ledger.vmIdsPlacedOn(hostId)) {
                    if (collected.add(vmId)) {
                        int request = i;
                        ledger.spec(vmId).filter(vm -> vm.haPolicy().isProtected())
                                .ifPresent(vm -> toMove.add(new Pending(vm, request)));
                    }
                }
            }
        }
        toMove.sort(Comparator.comparing(Pending::vm, RECOVERY_ORDER));
        // Tier usage on the accepting hosts, kept up to date as moves land (each quota check is then O(1)). The
        // failed hosts do not count even while the ledger still has them ONLINE (their health change not applied
        // yet): their capacity is gone, and their VMs are counted where they land.
        long capacity = 0;
        long[] used = new long[Tier.values().length];
        for (HostLedger host : ledger.hostArray()) {
            if (host.acceptsVms() && !excluded.contains(host.hostId())) {
                capacity += host.memoryCapacityBytes();
                for (Tier tier : Tier.values()) {
                    used[tier.ordinal()] += host.tierMemoryBytes(tier);
                }
            }
        }
        for (Pending pending : toMove) {
            VmSpec vm = pending.vm();
            int i = pending.request();
            Placement from = ledger.placement(vm.vmId()).orElseThrow();
            String quota = vm.tier() == Tier.GOLD ? null
                    : quotas.refusal(vm.tier(), vm.memoryMib(), capacity, used[vm.tier().ordinal()]);
            if (quota != null) {
                unplaced.get(i).add(new EvacuationOutcome.Unplaced(vm, from.hostId(), quota));
                continue;
            }
            Integer shape = from.numaClaims().isEmpty() ? null : from.numaClaims().size();
            PlacementDecision decision = engine.place(vm, ledger, excluded, shape);
            String note = "";
            if (decision instanceof PlacementDecision.NoHostFits && shape != null && vm.numaNodes() == null) {
                PlacementDecision fallback = engine.place(vm, ledger, excluded, null);
                if (fallback instanceof PlacementDecision.Placed placed) {
                    note = "; NUMA shape changed from " + shape + " to " + placed.claims().size() + " cells";
                    decision = fallback;
                }
            }
            record(vm, from, decision, reasons[i] + note, requests.get(i).incidentId(), ledger, now, moves.get(i),
                    unplaced.get(i));
            if (decision instanceof PlacementDecision.Placed) {
                used[vm.tier().ordinal()] += Units.mibToBytes(vm.memoryMib());
            }
        }
        List<EvacuationOutcome> outcomes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            outcomes.add(new EvacuationOutcome(moves.get(i), unplaced.get(i)));
        }
        return outcomes;
    }

    /** A VM to restart and the index of the request it belongs to. */
    private record Pending(VmSpec vm, int request) {
    }

    /**
     * The reason an evacuation's placements carry, "evacuation of h1,h2" (hosts sorted): matched when a request is
     * planned again, so one incident's moves are recognised as its own.
     */
    public static String reason(java.util.Collection<String> failedHostIds) {
        return "evacuation of " + String.join(",", new TreeSet<>(failedHostIds));
    }

    /**
     * Re-places the given VMs of an incident whose start failed: each goes to a host that is neither a failed
     * host nor one of {@code excludedHostIds} (where its start failed), wherever its latest placement is. A VM
     * already placed for this incident on an allowed host keeps that placement (the request was redelivered to
     * another instance after it was answered). Unknown VMs are unplaced with a reason.
     */
    public EvacuationOutcome replan(Set<String> vmIds, Set<String> failedHostIds, Set<String> excludedHostIds,
                                    String incidentId, ClusterLedger ledger, Instant now) {
        String reason = reason(failedHostIds);
        Set<String> excluded = new HashSet<>(failedHostIds);
        excluded.addAll(excludedHostIds);
        List<EvacuationOutcome.Move> moves = new ArrayList<>();
        List<EvacuationOutcome.Unplaced> unplaced = new ArrayList<>();
        List<VmSpec> toMove = new ArrayList<>();
        for (String vmId : vmIds) {
            ledger.spec(vmId).ifPresent(toMove::add);
        }
        toMove.sort(RECOVERY_ORDER);
        for (VmSpec vm : toMove) {
            Placement from = ledger.placement(vm.vmId()).orElse(null);
            if (from == null) {
                continue;
            }
            if (incidentId.equals(from.incidentId()) && !excluded.contains(from.hostId())
                    && from.reason() != null && from.reason().startsWith(reason)) {
                moves.add(new EvacuationOutcome.Move(vm, null, from, "already re-placed for this incident"));
                continue;
            }
            if (!excluded.contains(from.hostId()) && !incidentId.equals(from.incidentId())) {
                // A newer decision (another incident, a drain) moved it since the request was made: moving it again
                // would leave two starts in flight for one VM.
                unplaced.add(new EvacuationOutcome.Unplaced(vm, from.hostId(), "superseded: placed on " + from.hostId()
                        + " (generation " + from.generation() + ", " + (from.incidentId() == null ? "no incident"
                        : "incident " + from.incidentId()) + ") since the request; not moved again"));
                continue;
            }
            Integer shape = from.numaClaims().isEmpty() ? null : from.numaClaims().size();
            PlacementDecision decision = engine.place(vm, ledger, excluded, shape);
            if (decision instanceof PlacementDecision.NoHostFits && shape != null && vm.numaNodes() == null) {
                decision = engine.place(vm, ledger, excluded, null);
            }
            record(vm, from, decision, reason + " (retry excluding " + new TreeSet<>(excludedHostIds) + ")", incidentId,
                    ledger, now, moves, unplaced);
        }
        return new EvacuationOutcome(moves, unplaced);
    }

    /**
     * Plans and claims a live-migration target for every VM of a host (whatever its HA policy), keeping each
     * VM's NUMA shape. The caller marks the host draining first, so nothing new lands on it.
     */
    public EvacuationOutcome planDrain(String hostId, ClusterLedger ledger, Instant now) {
        List<VmSpec> toMove = new ArrayList<>();
        for (String vmId : ledger.vmIdsPlacedOn(hostId)) {
            ledger.spec(vmId).ifPresent(toMove::add);
        }
        toMove.sort(RECOVERY_ORDER);
        List<EvacuationOutcome.Move> moves = new ArrayList<>();
        List<EvacuationOutcome.Unplaced> unplaced = new ArrayList<>();
        for (VmSpec vm : toMove) {
            moves.addAll(migrate(vm, Set.of(hostId), "drain of " + hostId + " (live migration)", ledger, now,
                    unplaced));
        }
        return new EvacuationOutcome(moves, unplaced);
    }

    /** Plans and claims a live-migration target for one VM away from {@code excluded} (its current host at least). */
    public List<EvacuationOutcome.Move> migrate(VmSpec vm, Set<String> excluded, String reason, ClusterLedger ledger,
                                                Instant now, List<EvacuationOutcome.Unplaced> unplaced) {
        Placement from = ledger.placement(vm.vmId()).orElseThrow();
        Integer shape = from.numaClaims().isEmpty() ? null : from.numaClaims().size();
        PlacementDecision decision = engine.place(vm, ledger, excluded, shape);
        List<EvacuationOutcome.Move> moves = new ArrayList<>(1);
        record(vm, from, decision, reason, null, ledger, now, moves, unplaced);
        return moves;
    }

    private static void record(VmSpec vm, Placement from, PlacementDecision decision, String reason, String incidentId,
                               ClusterLedger ledger, Instant now, List<EvacuationOutcome.Move> moves,
                               List<EvacuationOutcome.Unplaced> unplaced) {
        if (decision instanceof PlacementDecision.Placed placed) {
            Placement placement = new Placement(vm.vmId(), placed.hostId(), from.generation() + 1, placed.hostCells(),
                    reason, incidentId, now, placed.claims());
            ledger.putPlacement(placement);
            moves.add(new EvacuationOutcome.Move(vm, from.hostId(), placement, placed.reason()));
        } else {
            unplaced.add(new EvacuationOutcome.Unplaced(vm, from.hostId(),
                    ((PlacementDecision.NoHostFits) decision).explanation()));
        }
    }
}
