package io.kvmha.scheduler.core;

import io.kvmha.contracts.event.VmSpec;

/** What the ledger has claimed on one host: the sum of the specs of the VMs placed there. */
public record HostUsage(long memoryBytes, int vcpus, int vmCount) {

    public static final HostUsage NONE = new HostUsage(0, 0, 0);

    public HostUsage plus(VmSpec vm) {
        return new HostUsage(memoryBytes + Units.mibToBytes(vm.memoryMib()), vcpus + vm.vcpus(), vmCount + 1);
    }
}
