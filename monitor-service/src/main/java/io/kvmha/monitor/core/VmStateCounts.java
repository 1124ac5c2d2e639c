package io.kvmha.monitor.core;

import io.kvmha.contracts.event.DomainState;
import io.kvmha.contracts.event.HostHeartbeat;
import io.kvmha.contracts.event.Tier;
import io.kvmha.contracts.event.VmSpec;
import java.util.HashMap;
import java.util.Map;

/**
 * The VMs as their hosts last reported them (heartbeat domains), with each VM's tier from its spec,
 * for the {@code kvmha_vms{state,tier}} gauge. A VM without a known spec counts under tier "none".
 * Thread-safe.
 */
public final class VmStateCounts {

    private final Map<String, Map<String, DomainState>> domainsByHost = new HashMap<>();
    private final Map<String, Tier> tiers = new HashMap<>();

    public synchronized void heartbeat(HostHeartbeat heartbeat) {
        Map<String, DomainState> domains = new HashMap<>();
        heartbeat.domains().forEach(d -> domains.put(d.vmId(), d.state()));
        domainsByHost.put(heartbeat.hostId(), domains);
    }

    public synchronized void hostRemoved(String hostId) {
        domainsByHost.remove(hostId);
    }

    public synchronized void spec(VmSpec spec) {
        tiers.put(spec.vmId(), spec.tier());
    }

    public synchronized java.util.Optional<Tier> tierOf(String vmId) {
        return java.util.Optional.ofNullable(tiers.get(vmId));
    }

    public synchronized void specRemoved(String vmId) {
        tiers.remove(vmId);
    }

    /** @param tier null counts the VMs without a known spec */
    public long count(DomainState state, Tier tier) {
        return table()[state.ordinal()][tier == null ? Tier.values().length : tier.ordinal()];
    }

    /**
     * Every count in one pass over the VMs: {@code [state.ordinal()][tier.ordinal()]}, the VMs without a
     * known spec at tier index {@code Tier.values().length}. A gauge per (state, tier) should read this once
     * per scrape rather than {@link #count} each: one pass instead of one per cell, holding this object
     * (which the heartbeat listener needs) once.
     */
    public synchronized long[][] table() {
        long[][] table = new long[DomainState.values().length][Tier.values().length + 1];
        for (Map<String, DomainState> domains : domainsByHost.values()) {
            for (Map.Entry<String, DomainState> d : domains.entrySet()) {
                Tier tier = tiers.get(d.getKey());
                table[d.getValue().ordinal()][tier == null ? Tier.values().length : tier.ordinal()]++;
            }
        }
        return table;
    }
}
