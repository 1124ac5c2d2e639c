package io.kvmha.scheduler.core;

import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.VmSpec;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one decision-maker of this scheduler instance: each decision is computed and claimed in the
 * {@link ClusterView} under its lock, before anything is published, so fast consecutive requests cannot
 * double-book a host, and the later echo of the published placement changes nothing.
 */
public final class Placer {

    /** Evacuation plans remembered by request id, so a redelivered request gets the same answer. */
    private static final int REMEMBERED_EVACUATIONS = 256;

    private final ClusterView view;
    private final PlacementEngine engine;
    private final EvacuationPlanner planner;
    private final InstantSource clock;
    private final Map<String, EvacuationOutcome> evacuations = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, EvacuationOutcome> eldest) {
            return size() > REMEMBERED_EVACUATIONS;
        }
    };

    public Placer(ClusterView view, PlacementEngine engine, EvacuationPlanner planner, InstantSource clock) {
        this.view = view;
        this.engine = engine;
        this.planner = planner;
        this.clock = clock;
    }

    /** Places a new VM (generation 1) and claims it, unless its name is taken or nothing fits. */
    public Admission admit(VmSpec spec) {
        return view.exclusively(() -> {
            ClusterSnapshot cluster = view.snapshot();
            var sameName = cluster.vmNamed(spec.name());
            if (sameName.isPresent()) {
                return new Admission.DuplicateName(spec.name(), sameName.get().vmId());
            }
            PlacementDecision decision = engine.place(spec, cluster, Set.of());
            if (decision instanceof PlacementDecision.Placed placed) {
                Placement placement = new Placement(spec.vmId(), placed.hostId(), 1, List.of(), placed.reason(), null,
                        clock.instant());
                view.applySpec(spec);
                view.applyPlacement(placement);
                return new Admission.Admitted(spec, placement, placed.reason());
            }
            return new Admission.Rejected((PlacementDecision.NoHostFits) decision);
        });
    }

    /** Takes back a claim that could not be published, so its capacity is not lost. */
    public void release(Admission.Admitted admitted) {
        view.exclusively(() -> {
            ClusterSnapshot cluster = view.snapshot();
            if (cluster.placement(admitted.spec().vmId()).filter(admitted.placement()::equals).isPresent()) {
                view.removePlacement(admitted.spec().vmId());
                view.deleteSpec(admitted.spec().vmId());
            }
            return null;
        });
    }

    /**
     * Plans the evacuation of failed hosts and claims every move in the ledger. A request id seen before
     * gets the plan it got then (the ledger already holds those moves), so redelivery is harmless.
     */
    public Evacuation evacuate(String requestId, String incidentId, Set<String> failedHostIds) {
        return view.exclusively(() -> {
            EvacuationOutcome known = evacuations.get(requestId);
            if (known != null) {
                return new Evacuation(known, true);
            }
            EvacuationOutcome outcome = planner.plan(failedHostIds, incidentId, view.snapshot(), clock.instant());
            outcome.moves().forEach(move -> view.applyPlacement(move.placement()));
            evacuations.put(requestId, outcome);
            return new Evacuation(outcome, false);
        });
    }

    /** @param repeated true when this request id was planned before and the remembered plan is returned */
    public record Evacuation(EvacuationOutcome outcome, boolean repeated) {
    }
}
