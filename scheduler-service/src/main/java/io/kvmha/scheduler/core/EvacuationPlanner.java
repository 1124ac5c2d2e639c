package io.kvmha.scheduler.core;

import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.VmSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Plans where the protected VMs of failed hosts restart: in recovery order (GOLD, SILVER, BRONZE, then
 * priority descending, then name), one at a time, each claim consuming capacity before the next
 * decision, so the plan never over-commits a host. Pure: it returns the plan and claims nothing.
 */
public final class EvacuationPlanner {

    /** Recovery order: tier first, then higher priority first; name and id make it total. */
    public static final Comparator<VmSpec> RECOVERY_ORDER = Comparator.comparing(VmSpec::tier)
            .thenComparing(Comparator.comparingInt(VmSpec::priority).reversed())
            .thenComparing(VmSpec::name)
            .thenComparing(VmSpec::vmId);

    private final PlacementEngine engine;

    public EvacuationPlanner(PlacementEngine engine) {
        this.engine = engine;
    }

    public EvacuationOutcome plan(Set<String> failedHostIds, String incidentId, ClusterSnapshot cluster, Instant now) {
        String reason = "evacuation of " + String.join(",", new TreeSet<>(failedHostIds));
        List<VmSpec> toMove = cluster.vms().stream()
                .filter(vm -> vm.haPolicy().isProtected())
                .filter(vm -> cluster.placement(vm.vmId()).map(p -> failedHostIds.contains(p.hostId())).orElse(false))
                .sorted(RECOVERY_ORDER)
                .toList();
        List<EvacuationOutcome.Move> moves = new ArrayList<>();
        List<EvacuationOutcome.Unplaced> unplaced = new ArrayList<>();
        ClusterSnapshot current = cluster;
        for (VmSpec vm : toMove) {
            Placement from = current.placement(vm.vmId()).orElseThrow();
            PlacementDecision decision = engine.place(vm, current, failedHostIds);
            if (decision instanceof PlacementDecision.Placed placed) {
                Placement placement = new Placement(vm.vmId(), placed.hostId(), from.generation() + 1, List.of(),
                        reason, incidentId, now);
                moves.add(new EvacuationOutcome.Move(vm, from.hostId(), placement, placed.reason()));
                current = current.with(vm, placement);
            } else {
                unplaced.add(new EvacuationOutcome.Unplaced(vm, from.hostId(),
                        ((PlacementDecision.NoHostFits) decision).explanation()));
            }
        }
        return new EvacuationOutcome(moves, unplaced);
    }
}
