package io.kvmha.scheduler.core;

import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.VmSpec;
import java.util.List;

/** An evacuation plan as the core computed it: moves in recovery order, and the VMs that fit nowhere. */
public record EvacuationOutcome(List<Move> moves, List<Unplaced> unplaced) {

    public EvacuationOutcome {
        moves = List.copyOf(moves);
        unplaced = List.copyOf(unplaced);
    }

    /**
     * One VM leaving a failed host, with the new placement (generation + 1) that records it.
     *
     * @param fromHostId null for a move an earlier delivery of the same request already made
     */
    public record Move(VmSpec spec, String fromHostId, Placement placement, String decisionReason) {
        public String targetHostId() {
            return placement.hostId();
        }
    }

    public record Unplaced(VmSpec spec, String fromHostId, String reason) {
    }
}
