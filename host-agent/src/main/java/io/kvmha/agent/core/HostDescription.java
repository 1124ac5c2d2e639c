package io.kvmha.agent.core;

import io.kvmha.contracts.event.HostInventory;
import java.util.List;

/**
 * What the hypervisor says the host is. The libvirt test driver reports no NUMA cells; the agent
 * then takes the topology from configuration (see {@link SimulatedTopology}).
 */
public record HostDescription(
        String hostUuid,
        String cpuModel,
        int cpus,
        long memoryBytes,
        List<HostInventory.NumaCell> numaCells,
        String hypervisorType,
        String libvirtVersion,
        String hypervisorVersion) {

    public HostDescription {
        numaCells = numaCells == null ? List.of() : List.copyOf(numaCells);
    }
}
