package io.kvmha.agent.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Decides when this host must fence itself. "Cut off from the control plane" means: no heartbeat
 * acknowledged by Kafka for longer than the self-fence timeout (default 10 s, part of the contract:
 * the failover service restarts this host's HA-protected VMs elsewhere only after it). The agent then
 * destroys its HA-protected VMs, once per cut-off, so they cannot run twice.
 *
 * <p>Maintenance mode suspends it (the operator owns the host). The {@code selfFenced} flag of the
 * heartbeat stays true from the fencing until heartbeats have again been acknowledged for one full
 * timeout, so the control plane sees it in many consecutive heartbeats after the host rejoins.
 * The clock starts at construction: an agent that never reaches Kafka fences after one timeout too.
 */
public final class SelfFencing {

    /** Why and when the host fenced itself. */
    public record Fence(Instant at, Instant lastAcknowledged, String reason) {
    }

    private final Clock clock;
    private final Duration timeout;
    private Instant lastAcknowledged;
    private boolean maintenance;
    private Fence fence;               // the current cut-off's fence, null when not fenced
    private Instant acknowledgedSinceFence;
    private Fence lastFence;

    public SelfFencing(Clock clock, Duration timeout) {
        this.clock = clock;
        this.timeout = timeout;
        this.lastAcknowledged = clock.instant();
    }

    public Duration timeout() {
        return timeout;
    }

    /** Kafka acknowledged a heartbeat. */
    public synchronized void acknowledged() {
        Instant now = clock.instant();
        lastAcknowledged = now;
        if (fence != null) {
            if (acknowledgedSinceFence == null) {
                acknowledgedSinceFence = now;
            } else if (!now.isBefore(acknowledgedSinceFence.plus(timeout))) {
                fence = null;
                acknowledgedSinceFence = null;
            }
        }
    }

    public synchronized void maintenance(boolean inMaintenance) {
        this.maintenance = inMaintenance;
    }

    public synchronized boolean inMaintenance() {
        return maintenance;
    }

    /** A fence to carry out now, once per cut-off; empty otherwise. */
    public synchronized Optional<Fence> check() {
        Instant now = clock.instant();
        if (maintenance || fence != null || !now.isAfter(lastAcknowledged.plus(timeout))) {
            return Optional.empty();
        }
        String reason = "no heartbeat acknowledged by Kafka since " + lastAcknowledged + " ("
                + Duration.between(lastAcknowledged, now).toMillis() + " ms > self-fence timeout " + timeout.toMillis() + " ms)";
        fence = new Fence(now, lastAcknowledged, reason);
        lastFence = fence;
        acknowledgedSinceFence = null;
        return Optional.of(fence);
    }

    /** For the heartbeat: fenced and not yet seen back for a full timeout. */
    public synchronized boolean selfFenced() {
        return fence != null;
    }

    /** Whether Kafka acknowledged a heartbeat after {@code instant}. */
    public synchronized boolean lastAcknowledgedAfter(Instant instant) {
        return lastAcknowledged.isAfter(instant);
    }

    /** The latest fence, also after the flag cleared; for reports. */
    public synchronized Optional<Fence> lastFence() {
        return Optional.ofNullable(lastFence);
    }
}
