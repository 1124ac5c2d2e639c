package io.kvmha.scheduler.core;

import io.kvmha.contracts.event.HostInventory;
import io.kvmha.contracts.event.HostState;

/** A known host: what it is (its latest inventory) and how healthy the failover service judges it. */
public record HostStatus(HostInventory inventory, HostState state) {

    public HostStatus {
        if (inventory == null || state == null) {
            throw new IllegalArgumentException("inventory and state are required");
        }
    }

    public String hostId() {
        return inventory.hostId();
    }

    /** Free memory the host itself last reported; information only, never used to place. */
    public long liveFreeMemoryBytes() {
        return inventory.numaCells().stream().mapToLong(HostInventory.NumaCell::freeMemoryBytes).sum();
    }
}
