package io.kvmha.scheduler.api;

import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.Tier;
import io.kvmha.scheduler.core.EvacuationOutcome;
import java.util.List;

/**
 * A drain or migration plan: a live-migration target per VM (already claimed in the ledger and published
 * as a {@link Placement}), and the VMs that fit nowhere, with reasons.
 */
public record MovePlanResponse(String hostId, boolean draining, List<Move> moves, List<Unplaced> unplaced) {

    public record Move(String vmId, String name, Tier tier, int priority, String fromHostId, String targetHostId,
                       long placementGeneration, List<Placement.NumaClaim> numaClaims, String reason) {
    }

    public record Unplaced(String vmId, String name, Tier tier, String fromHostId, String reason) {
    }

    static MovePlanResponse of(String hostId, boolean draining, EvacuationOutcome outcome) {
        return new MovePlanResponse(hostId, draining,
                outcome.moves().stream().map(m -> new Move(m.spec().vmId(), m.spec().name(), m.spec().tier(),
                        m.spec().priority(), m.fromHostId(), m.targetHostId(), m.placement().generation(),
                        m.placement().numaClaims(), m.decisionReason())).toList(),
                outcome.unplaced().stream().map(u -> new Unplaced(u.spec().vmId(), u.spec().name(), u.spec().tier(),
                        u.fromHostId(), u.reason())).toList());
    }
}
