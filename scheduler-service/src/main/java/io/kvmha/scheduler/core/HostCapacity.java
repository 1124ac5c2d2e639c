package io.kvmha.scheduler.core;

/**
 * A host's placeable capacity under the allocation ratios, and how much of it the ledger has not claimed.
 * Unclaimed amounts can be negative when ratios were lowered after VMs were placed.
 */
public record HostCapacity(String hostId, long memoryBytes, int vcpus, HostUsage claimed) {

    public static HostCapacity of(HostStatus host, HostUsage claimed, AllocationRatios ratios) {
        long memory = (long) Math.floor(host.inventory().memoryBytes() * ratios.ram());
        int vcpus = (int) Math.floor(host.inventory().cpus() * ratios.cpu());
        return new HostCapacity(host.hostId(), memory, vcpus, claimed);
    }

    public long unclaimedMemoryBytes() {
        return memoryBytes - claimed.memoryBytes();
    }

    public int unclaimedVcpus() {
        return vcpus - claimed.vcpus();
    }
}
