package io.kvmha.contracts.event;

/** A host's health as the failover service judges it. */
public enum HostState {
    ONLINE, SUSPECT, FENCING, FENCED, RECOVERING, DOWN, MAINTENANCE;

    /** States in which new VMs may be placed on the host. */
    public boolean acceptsVms() {
        return this == ONLINE;
    }
}
