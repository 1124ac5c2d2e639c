package io.kvmha.failover.core;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A drain of one host, or the migration of one VM: where each VM goes, how many migrate at once, and by
 * when. The failover service does not choose targets: the scheduler does (its move placements), or an
 * operator's posted plan.
 *
 * @param hostId      the source host (drained, or where the migrating VM runs)
 * @param moves       one per VM to move, in order
 * @param parallelism migrations in flight at once (KubeVirt's per-node default is 2)
 * @param deadline    moves not started by then are not started (their fallback does not apply: they stay)
 * @param kind        where it came from
 */
public record DrainRequest(String hostId, List<Move> moves, int parallelism, Duration deadline, String reason, Kind kind) {

    /** An operator's posted plan (kind MANUAL). */
    public DrainRequest(String hostId, List<Move> moves, int parallelism, Duration deadline, String reason) {
        this(hostId, moves, parallelism, deadline, reason, Kind.MANUAL);
    }

    public DrainRequest {
        Objects.requireNonNull(hostId, "hostId");
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(kind, "kind");
        moves = List.copyOf(moves);
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, was " + parallelism);
        }
        if (moves.isEmpty()) {
            throw new IllegalArgumentException("a drain needs at least one move");
        }
    }

    /** Where a drain came from. */
    public enum Kind {
        /** The scheduler drained the host (its move placements, reason "drain of ..."). */
        DRAIN,
        /** The scheduler moved one VM (its move placement, reason "migration from ..."). */
        MIGRATION,
        /** An operator posted the moves to the failover service. */
        MANUAL
    }

    /** How a VM whose live migration failed is handled. */
    public enum Fallback {
        /** Leave it running on the source host (the drain reports it). */
        ABORT,
        /** Shut it down on the source, then start it on the target (its policy allows downtime). */
        COLD_RESTART
    }

    /**
     * @param fallback what to do when the live migration fails (default ABORT)
     */
    public record Move(String vmId, String targetHostId, Fallback fallback) {
        public Move {
            Objects.requireNonNull(vmId, "vmId");
            Objects.requireNonNull(targetHostId, "targetHostId");
            fallback = fallback == null ? Fallback.ABORT : fallback;
        }

        /** The fallback a VM's HA policy allows: a protected VM may be restarted, an unprotected one stays. */
        public static Fallback fallbackFor(io.kvmha.contracts.event.VmSpec spec) {
            return spec != null && spec.haPolicy().isProtected() ? Fallback.COLD_RESTART : Fallback.ABORT;
        }
    }
}
