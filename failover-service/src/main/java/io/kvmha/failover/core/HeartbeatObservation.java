package io.kvmha.failover.core;

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
 */
public record HeartbeatObservation(String hostId, long sequence, Instant sentAt, Instant receivedAt,
                                   boolean libvirtConnected) {

    public HeartbeatObservation {
        Objects.requireNonNull(hostId, "hostId");
        Objects.requireNonNull(sentAt, "sentAt");
        Objects.requireNonNull(receivedAt, "receivedAt");
    }

    String describe() {
        return "seq " + sequence + " at " + receivedAt + ", libvirt " + (libvirtConnected ? "CONNECTED" : "DISCONNECTED");
    }
}
