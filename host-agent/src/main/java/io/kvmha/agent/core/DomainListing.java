package io.kvmha.agent.core;

import java.util.List;

/**
 * The latest list of every domain libvirt knows, and whether it is complete for the current libvirt
 * connection: only a listing that succeeded while connected, with no disconnection seen since, is. Heartbeats
 * carry it as {@code domainsComplete}, so the control plane does not take an early or old list for the whole
 * truth (a rejoining host with a stale definition). Thread-safe: refreshed on one thread, read by another.
 */
public final class DomainListing {

    /** The domains as last listed, and whether that listing is complete for the current connection. */
    public record Snapshot(List<HypervisorDomain> domains, boolean complete) {
        public Snapshot {
            domains = List.copyOf(domains);
        }
    }

    private Snapshot latest = new Snapshot(List.of(), false);

    /** A listing finished; {@code connectedThroughout}: libvirt was still connected after it. */
    public synchronized void listed(List<HypervisorDomain> domains, boolean connectedThroughout) {
        latest = new Snapshot(domains, connectedThroughout);
    }

    /** libvirt was seen disconnected: the list is kept but is no longer complete until the next listing. */
    public synchronized void disconnected() {
        if (latest.complete()) {
            latest = new Snapshot(latest.domains(), false);
        }
    }

    public synchronized Snapshot latest() {
        return latest;
    }
}
