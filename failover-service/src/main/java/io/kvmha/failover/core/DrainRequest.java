package io.kvmha.failover.core;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * An operator's (or the scheduler's) drain of one host: where each VM goes, how many migrate at once,
 * and by when. The failover service does not choose targets: the scheduler's drain plan does.
 *
 * @param moves       one per VM to move, in order
 * @param parallelism migrations in flight at once (KubeVirt's per-node default is 2)
 * @param deadline    moves not started by then are not started (their fallback does not apply: they stay)
 */
public record DrainRequest(String hostId, List<Move> moves, int parallelism, Duration deadline, String reason) {

    public DrainRequest {
        Objects.requireNonNull(hostId, "hostId");
        Objects.requireNonNull(deadline, "deadline");
        moves = List.copyOf(moves);
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, was " + parallelism);
        }
        if (moves.isEmpty()) {
            throw new IllegalArgumentException("a drain needs at least one move");
        }
    }

    /** How a VM whose live migration failed is handled. */
    public enum Fallback {
        /** Leave it running on the source host (the drain reports it). */
        ABORT,
        /** Shut it down on the source, then start it on the target (its policy allows downtime). */
        COLD_RESTART
    }

    public record Move(String vmId, String targetHostId, Fallback fallback) {
        public Move {
            Objects.requireNonNull(vmId, "vmId");
            Objects.requireNonNull(targetHostId, "targetHostId");
            fallback = fallback == null ? Fallback.ABORT : fallback;
        }
    }
}
