package io.kvmha.agent.core;

import io.kvmha.contracts.event.DomainState;
import java.util.Map;

/**
 * Counters of one domain at one instant, as the hypervisor reports them.
 *
 * @param cpuTimeNs     CPU time used by the guest since it started
 * @param maxMemoryKib  memory the guest may use
 * @param memoryKib     memory the guest currently has (after ballooning)
 * @param balloon       memory statistics from the balloon driver, by libvirt's tag name ({@code actual}, {@code rss}...), in KiB
 * @param blocks        block device counters by target device ({@code vda})
 * @param interfaces    interface counters by target device ({@code vnet0})
 */
public record DomainStats(String uuid, String name, DomainState state, long cpuTimeNs, int vcpus,
                          long maxMemoryKib, long memoryKib, Map<String, Long> balloon,
                          Map<String, BlockCounters> blocks, Map<String, InterfaceCounters> interfaces) {

    public DomainStats {
        balloon = Map.copyOf(balloon);
        blocks = Map.copyOf(blocks);
        interfaces = Map.copyOf(interfaces);
    }

    public record BlockCounters(long readRequests, long readBytes, long writeRequests, long writeBytes, long errors) {
    }

    public record InterfaceCounters(long rxBytes, long rxPackets, long rxErrors, long rxDrops,
                                    long txBytes, long txPackets, long txErrors, long txDrops) {
    }
}
