package io.kvmha.failover.core;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Turns heartbeats into per-host liveness verdicts. The skeleton uses fixed timeouts
 * ({@link HeartbeatFailureDetector}); an adaptive detector (phi accrual over the inter-arrival times)
 * implements the same contract and replaces it without touching the state machine or recovery.
 *
 * <p>Only hosts that have heartbeated at least once are judged: a host known from inventory but never
 * heard from since this service started is not declared down (no false alarms at start-up).
 * Implementations need not be thread-safe; {@link FailoverEngine} confines them.
 */
public interface FailureDetector {

    /** Records a heartbeat; a sequence that goes backwards means the agent restarted and still counts. */
    void record(HeartbeatObservation heartbeat);

    /** The latest heartbeat of a host, if it has sent one. */
    Optional<HeartbeatObservation> last(String hostId);

    /** A verdict for every host that has heartbeated, as of {@code now}. */
    List<Verdict> evaluate(Instant now);

    /**
     * Judges a host afresh from {@code now}, as if it had just heartbeated: after a maintenance window,
     * whose silence must not count against it.
     */
    void rearm(String hostId, Instant now);

    /** Stops judging a host (it left the inventory). */
    void forget(String hostId);

    /**
     * Does not count {@code deafness} as silence of any host last heard at or before {@code heardBy}: this instance
     * heard no host at all for that long (its own pause, its consumer's or the broker's), which says nothing about
     * the hosts. Their latest heartbeats count as received that much later; no interval is learned from it.
     */
    void discount(java.time.Duration deafness, Instant heardBy);
}
