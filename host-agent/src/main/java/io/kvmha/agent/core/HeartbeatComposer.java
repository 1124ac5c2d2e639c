package io.kvmha.agent.core;

import io.kvmha.contracts.event.HostHeartbeat;
import io.kvmha.contracts.event.HostHeartbeat.LibvirtConnectivity;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Builds the agent's heartbeats: a sequence that starts at 1 for every agent run, the agent's
 * uptime, and every domain libvirt knows, active or only defined (SHUTOFF), so the control plane can
 * also see stale definitions on a rejoining host.
 */
public final class HeartbeatComposer {

    private final String hostId;
    private final String agentVersion;
    private final Clock clock;
    private final Instant startedAt;
    private final AtomicLong sequence = new AtomicLong();

    public HeartbeatComposer(String hostId, String agentVersion, Clock clock) {
        this.hostId = hostId;
        this.agentVersion = agentVersion;
        this.clock = clock;
        this.startedAt = clock.instant();
    }

    public HostHeartbeat next(boolean libvirtConnected, List<HypervisorDomain> domains) {
        return next(libvirtConnected, domains, false, false);
    }

    public HostHeartbeat next(boolean libvirtConnected, List<HypervisorDomain> domains, boolean selfFenced,
                              boolean maintenance) {
        return next(libvirtConnected, domains, false, selfFenced, maintenance);
    }

    /**
     * @param domainsComplete whether {@code domains} is a full listing taken since the agent last (re)connected to
     *                        libvirt; the control plane waits for one before it trusts an empty list (rejoin)
     */
    public HostHeartbeat next(boolean libvirtConnected, List<HypervisorDomain> domains, boolean domainsComplete,
                              boolean selfFenced, boolean maintenance) {
        Instant now = clock.instant();
        List<HostHeartbeat.DomainStatus> all = domains.stream()
                .map(d -> new HostHeartbeat.DomainStatus(d.uuid(), d.name(), d.state()))
                .toList();
        return new HostHeartbeat(hostId, sequence.incrementAndGet(), now,
                Math.max(0, now.toEpochMilli() - startedAt.toEpochMilli()), agentVersion,
                libvirtConnected ? LibvirtConnectivity.CONNECTED : LibvirtConnectivity.DISCONNECTED,
                all, selfFenced, maintenance, libvirtConnected && domainsComplete);
    }
}
