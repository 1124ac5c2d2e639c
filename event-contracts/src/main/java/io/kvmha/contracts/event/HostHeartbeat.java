package io.kvmha.contracts.event;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The agent's proof of life, every 500 ms by default. It carries the domains the host runs so the
 * control plane can compare them with the placement ledger without asking.
 *
 * @param sequence        increases by one per heartbeat of one agent run; a restart starts again at 1
 * @param domainsComplete true once the agent has listed every domain libvirt knows since it (re)connected
 *                        to libvirt, so {@code domains} is the whole list; false before (an early heartbeat
 *                        of a starting agent may carry an empty list); null from agents older than this field
 */
public record HostHeartbeat(
        String hostId,
        long sequence,
        Instant sentAt,
        long agentUptimeMs,
        @Nullable String agentVersion,
        LibvirtConnectivity libvirt,
        List<DomainStatus> domains,
        boolean selfFenced,
        boolean maintenance,
        @Nullable Boolean domainsComplete) implements KvmHaEvent {

    public HostHeartbeat {
        Required.field(hostId, "hostId");
        Required.field(sentAt, "sentAt");
        Required.field(libvirt, "libvirt");
        domains = Required.list(domains);
    }

    /** A heartbeat without {@code domainsComplete} (the first version). */
    public HostHeartbeat(String hostId, long sequence, Instant sentAt, long agentUptimeMs, @Nullable String agentVersion,
                         LibvirtConnectivity libvirt, List<DomainStatus> domains, boolean selfFenced, boolean maintenance) {
        this(hostId, sequence, sentAt, agentUptimeMs, agentVersion, libvirt, domains, selfFenced, maintenance, null);
    }

    @Override
    public String key() {
        return hostId;
    }

    public enum LibvirtConnectivity { CONNECTED, DISCONNECTED }

    /** A domain as libvirt reports it; {@code vmId} is the domain UUID, which is the VM's id. */
    public record DomainStatus(String vmId, @Nullable String name, DomainState state) {
        public DomainStatus {
            Required.field(vmId, "domains[].vmId");
            Required.field(state, "domains[].state");
        }
    }
}
