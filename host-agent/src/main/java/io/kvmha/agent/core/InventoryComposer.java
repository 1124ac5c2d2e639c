package io.kvmha.agent.core;

import io.kvmha.contracts.event.HostInventory;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Builds the host's inventory from what the hypervisor reports, or, for a simulated host, from
 * the configured topology, and tells whether it changed since the last one published. Changes of
 * observation time and free memory alone are not changes: the inventory says what the host is,
 * not how busy it is.
 */
public final class InventoryComposer {

    private final String hostId;
    private final Optional<SimulatedTopology> simulated;
    private final Map<String, String> labels;
    private final Clock clock;
    private final String migrationUri;

    public InventoryComposer(String hostId, Optional<SimulatedTopology> simulated, Map<String, String> labels,
                             Clock clock) {
        this(hostId, simulated, labels, clock, null);
    }

    /** @param migrationUri where peers reach this host for live migration; null = not published */
    public InventoryComposer(String hostId, Optional<SimulatedTopology> simulated, Map<String, String> labels,
                             Clock clock, String migrationUri) {
        this.migrationUri = migrationUri;
        this.hostId = hostId;
        this.simulated = simulated;
        this.labels = Map.copyOf(labels);
        this.clock = clock;
    }

    public HostInventory compose(String libvirtUri, HostDescription host) {
        List<HostInventory.NumaCell> cells = simulated.map(SimulatedTopology::cells).orElse(host.numaCells());
        int cpus = simulated.map(SimulatedTopology::cpus).orElse(host.cpus());
        long memory = simulated.map(SimulatedTopology::memoryBytes).orElse(host.memoryBytes());
        String hostUuid = host.hostUuid();
        if (hostUuid == null && simulated.isPresent()) {
            // Stable across restarts, distinct per host id: what a real host's SMBIOS UUID would be.
            hostUuid = UUID.nameUUIDFromBytes(("kvmha-simulated-host:" + hostId).getBytes(StandardCharsets.UTF_8)).toString();
        }
        return new HostInventory(hostId, hostUuid, libvirtUri, host.cpuModel(), cpus, memory, cells,
                host.hypervisorType(), host.libvirtVersion(), host.hypervisorVersion(), simulated.isPresent(),
                labels, clock.instant(), migrationUri);
    }

    /** Whether {@code current} differs from {@code previous} in what the host is. */
    public static boolean changed(HostInventory previous, HostInventory current) {
        return previous == null || !Objects.equals(shape(previous), shape(current));
    }

    private static HostInventory shape(HostInventory inventory) {
        List<HostInventory.NumaCell> cells = inventory.numaCells().stream()
                .map(c -> new HostInventory.NumaCell(c.id(), c.memoryBytes(), 0, c.cpus(),
                        c.hugepages().stream().map(h -> new HostInventory.HugepagePool(h.pageSizeKib(), h.total(), 0)).toList()))
                .toList();
        return new HostInventory(inventory.hostId(), inventory.hostUuid(), inventory.libvirtUri(), inventory.cpuModel(),
                inventory.cpus(), inventory.memoryBytes(), cells, inventory.hypervisorType(), inventory.libvirtVersion(),
                inventory.hypervisorVersion(), inventory.simulated(), inventory.labels(), Instant.EPOCH,
                inventory.migrationUri());
    }
}
