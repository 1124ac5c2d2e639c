package io.kvmha.contracts.event;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The scheduler's answer to an {@link EvacuationRequest}: assignments in recovery order (tier, then
 * priority), each already recorded as a {@link Placement}, and what could not be placed, with reasons.
 */
public record EvacuationPlan(
        String requestId,
        String incidentId,
        List<Assignment> assignments,
        List<Unplaced> unplaced,
        Instant plannedAt) implements KvmHaEvent {

    public EvacuationPlan {
        Required.field(requestId, "requestId");
        Required.field(incidentId, "incidentId");
        Required.field(plannedAt, "plannedAt");
        assignments = Required.list(assignments);
        unplaced = Required.list(unplaced);
    }

    @Override
    public String key() {
        return incidentId;
    }

    /**
     * @param placement the new placement (with its NUMA claims) already published for this move; null in
     *                  plans written before it was included
     */
    public record Assignment(VmSpec spec, @Nullable String fromHostId, String targetHostId, long placementGeneration,
                             @Nullable Placement placement) {
        public Assignment {
            Required.field(spec, "assignments[].spec");
            Required.field(targetHostId, "assignments[].targetHostId");
        }

        public Assignment(VmSpec spec, @Nullable String fromHostId, String targetHostId, long placementGeneration) {
            this(spec, fromHostId, targetHostId, placementGeneration, null);
        }
    }

    public record Unplaced(String vmId, @Nullable Tier tier, String reason) {
        public Unplaced {
            Required.field(vmId, "unplaced[].vmId");
            Required.field(reason, "unplaced[].reason");
        }
    }
}
