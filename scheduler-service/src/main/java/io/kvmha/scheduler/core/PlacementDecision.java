package io.kvmha.scheduler.core;

import io.kvmha.contracts.event.VmSpec;
import java.util.List;

/** The outcome of placing one VM: a host and why, or why no host fits. */
public sealed interface PlacementDecision {

    VmSpec vm();

    /** The hosts that could not take the VM, with their causes. */
    List<Refusal> refusals();

    record Placed(VmSpec vm, String hostId, String reason, List<Refusal> refusals) implements PlacementDecision {
        public Placed {
            refusals = List.copyOf(refusals);
        }
    }

    record NoHostFits(VmSpec vm, String explanation, List<Refusal> refusals) implements PlacementDecision {
        public NoHostFits {
            refusals = List.copyOf(refusals);
        }
    }
}
