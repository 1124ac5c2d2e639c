package io.kvmha.scheduler.core;

import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.VmSpec;
import java.util.List;

/** The outcome of asking for a new VM. */
public sealed interface Admission {

    /** Placed and already claimed in the ledger. */
    record Admitted(VmSpec spec, Placement placement, String reason) implements Admission {
    }

    /** The spec is impossible whatever the cluster holds. */
    record Invalid(List<SpecValidation.Violation> violations) implements Admission {
    }

    /** Another VM has this name. */
    record DuplicateName(String name, String existingVmId) implements Admission {
    }

    /** No host fits the VM now. */
    record Rejected(PlacementDecision.NoHostFits decision) implements Admission {
    }

    /** It would fit, but a policy refuses it: its tier's quota, or the failover reserve (N+K). */
    record Refused(Rule rule, String reason) implements Admission {
    }

    enum Rule { TIER_QUOTA, FAILOVER_RESERVE }
}
