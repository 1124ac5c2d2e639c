package io.kvmha.scheduler.api;

import io.kvmha.contracts.event.HostState;
import io.kvmha.scheduler.core.HostCapacity;
import io.kvmha.scheduler.core.HostStatus;

/**
 * A host as the API shows it. Capacities have the allocation ratios applied; claimed amounts come from
 * the placement ledger. {@code liveFreeMemoryBytes} is what the host last reported, for information only.
 */
public record HostResponse(
        String hostId,
        HostState state,
        int cpus,
        int vcpuCapacity,
        int claimedVcpus,
        long memoryBytes,
        long memoryCapacityBytes,
        long claimedMemoryBytes,
        long unclaimedMemoryBytes,
        long liveFreeMemoryBytes,
        int vmCount,
        boolean simulated) {

    static HostResponse of(HostStatus host, HostCapacity capacity) {
        return new HostResponse(host.hostId(), host.state(), host.inventory().cpus(), capacity.vcpus(),
                capacity.claimed().vcpus(), host.inventory().memoryBytes(), capacity.memoryBytes(),
                capacity.claimed().memoryBytes(), capacity.unclaimedMemoryBytes(), host.liveFreeMemoryBytes(),
                capacity.claimed().vmCount(), host.inventory().simulated());
    }
}
