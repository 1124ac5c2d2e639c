package io.kvmha.scheduler.core;

import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.VmSpec;
import java.util.List;
import java.util.Map;

/** The outcome of placing one VM: a host with the exact NUMA claim, or why no host fits. */
public sealed interface PlacementDecision {

    VmSpec vm();

    /** @param claims one per guest cell, ready to go into {@link Placement#numaClaims()} */
    record Placed(VmSpec vm, String hostId, List<Placement.NumaClaim> claims, String reason) implements PlacementDecision {
        public Placed {
            claims = List.copyOf(claims);
        }

        public List<Integer> hostCells() {
            return claims.stream().map(Placement.NumaClaim::hostCell).toList();
        }
    }

    /** @param refused hosts refused per cause (of the first NUMA shape tried) */
    record NoHostFits(VmSpec vm, String explanation, Map<Cause, Integer> refused) implements PlacementDecision {
        public NoHostFits {
            refused = Map.copyOf(refused);
        }
    }

    /** Why one host cannot take a VM, in the order the filters run. */
    enum Cause {
        EXCLUDED("excluded"),
        NOT_ACCEPTING("not ONLINE or draining"),
        LABELS("missing host labels"),
        ANTI_AFFINITY("anti-affinity group already there"),
        AFFINITY("affinity group placed elsewhere"),
        TOO_FEW_CELLS("too few NUMA cells"),
        CAPACITY("no NUMA fit");

        private final String label;

        Cause(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }
}
