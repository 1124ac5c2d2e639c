package io.kvmha.failover.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One heartbeat as this service received it. The receive time, not the sender's clock, drives
 * detection: host clocks may be skewed, ours is the one we compare with.
 *
 * @param hostId           the host that sent it
 * @param sequence         the agent's heartbeat counter (restarts at 1 when the agent restarts)
 * @param sentAt           the sender's timestamp, used only to discard stale heartbeats
 * @param receivedAt       when this service received it
 * @param libvirtConnected whether the agent could reach its libvirtd when it sent it
 * @param notCounted       time since it was received that is not the host's silence: this instance heard no host
 *                         at all then (see {@link FailureDetector#discount})
 */
public record HeartbeatObservation(String hostId, long sequence, Instant sentAt, Instant receivedAt,
                                   boolean libvirtConnected, Duration notCounted) {

    public HeartbeatObservation {
        Objects.requireNonNull(hostId, "hostId");
        Objects.requireNonNull(sentAt, "sentAt");
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(notCounted, "notCounted");
    }

    public HeartbeatObservation(String hostId, long sequence, Instant sentAt, Instant receivedAt,
                                boolean libvirtConnected) {
        this(hostId, sequence, sentAt, receivedAt, libvirtConnected, Duration.ZERO);
    }

    /** From when the host's silence counts: the receive time, later by any deafness of this instance since. */
    Instant silentSince() {
        return receivedAt.plus(notCounted);
    }

    HeartbeatObservation receivedLater(Duration deafness) {
        return new HeartbeatObservation(hostId, sequence, sentAt, receivedAt, libvirtConnected, notCounted.plus(deafness));
    }

    String describe() {
        return "seq " + sequence + " at " + receivedAt + (notCounted.isZero() ? "" : " (" + notCounted.toMillis()
                + " ms when this instance heard no host not counted)") + ", libvirt "
                + (libvirtConnected ? "CONNECTED" : "DISCONNECTED");
    }
}
