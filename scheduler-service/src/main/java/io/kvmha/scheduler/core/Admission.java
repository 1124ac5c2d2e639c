package io.kvmha.scheduler.core;

import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.VmSpec;

/** The outcome of asking for a new VM. */
public sealed interface Admission {

    /** Placed and already claimed in the ledger. */
    record Admitted(VmSpec spec, Placement placement, String reason) implements Admission {
    }

    /** Another VM has this name. */
    record DuplicateName(String name, String existingVmId) implements Admission {
    }

    record Rejected(PlacementDecision.NoHostFits decision) implements Admission {
    }
}
