package io.kvmha.agent.core;

import io.kvmha.contracts.testing.VirtualClock;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvmha.contracts.event.HostInventory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InventoryComposerTest {

    final VirtualClock clock = new VirtualClock(Instant.parse("2026-11-27T12:00:00Z"));
    final HostDescription testDriverHost = new HostDescription(null, "kvmha-simulated", 16, 32L << 30, List.of(),
            "TEST", "9.0.0", "9.0.0");

    @Test
    void simulatedHostTakesItsTopologyFromConfiguration() {
        InventoryComposer composer = new InventoryComposer("h1",
                Optional.of(new SimulatedTopology(2, 8, 16L << 30)), Map.of("rack", "r1"), clock);
        HostInventory inventory = composer.compose("test:///tmp/h1-host.xml", testDriverHost);

        assertThat(inventory.simulated()).isTrue();
        assertThat(inventory.numaCells()).hasSize(2);
        assertThat(inventory.numaCells().get(1).cpus()).hasSize(8)
                .extracting(HostInventory.Cpu::id).containsExactly(8, 9, 10, 11, 12, 13, 14, 15);
        assertThat(inventory.numaCells().get(1).memoryBytes()).isEqualTo(16L << 30);
        assertThat(inventory.cpus()).isEqualTo(16);
        assertThat(inventory.memoryBytes()).isEqualTo(32L << 30);
        assertThat(inventory.hostUuid()).isNotBlank();
        assertThat(inventory.labels()).containsEntry("rack", "r1");
        assertThat(inventory.libvirtUri()).isEqualTo("test:///tmp/h1-host.xml");
    }

    @Test
    void simulatedHostUuidIsStablePerHostAndDistinctAcrossHosts() {
        Optional<SimulatedTopology> topology = Optional.of(new SimulatedTopology(1, 1, 1L << 30));
        String h1 = new InventoryComposer("h1", topology, Map.of(), clock).compose("u", testDriverHost).hostUuid();
        String h1Again = new InventoryComposer("h1", topology, Map.of(), clock).compose("u", testDriverHost).hostUuid();
        String h2 = new InventoryComposer("h2", topology, Map.of(), clock).compose("u", testDriverHost).hostUuid();
        assertThat(h1).isEqualTo(h1Again).isNotEqualTo(h2);
    }

    @Test
    void realHostTakesItsTopologyFromTheHypervisor() {
        var cell = new HostInventory.NumaCell(0, 8L << 30, 1L << 30,
                List.of(new HostInventory.Cpu(0, 0, 0, List.of(0, 1))), List.of());
        HostDescription host = new HostDescription("uuid-1", "Skylake", 2, 8L << 30, List.of(cell), "QEMU", "9.0.0", "7.2.0");
        HostInventory inventory = new InventoryComposer("h1", Optional.empty(), Map.of(), clock).compose("qemu:///system", host);

        assertThat(inventory.simulated()).isFalse();
        assertThat(inventory.numaCells()).containsExactly(cell);
        assertThat(inventory.hostUuid()).isEqualTo("uuid-1");
    }

    @Test
    void onlyAChangeOfWhatTheHostIsCountsAsAChange() {
        var composer = new InventoryComposer("h1", Optional.empty(), Map.of(), clock);
        var cell = new HostInventory.NumaCell(0, 8L << 30, 1L << 30, List.of(), List.of());
        HostInventory first = composer.compose("u", new HostDescription("x", "m", 2, 8L << 30, List.of(cell), "QEMU", "9", "7"));
        clock.advance(Duration.ofMinutes(1));
        var busier = new HostInventory.NumaCell(0, 8L << 30, 2L << 30, List.of(), List.of());
        HostInventory later = composer.compose("u", new HostDescription("x", "m", 2, 8L << 30, List.of(busier), "QEMU", "9", "7"));
        HostInventory upgraded = composer.compose("u", new HostDescription("x", "m", 2, 8L << 30, List.of(cell), "QEMU", "10", "7"));

        assertThat(InventoryComposer.changed(null, first)).isTrue();
        assertThat(InventoryComposer.changed(first, later)).isFalse();
        assertThat(InventoryComposer.changed(first, upgraded)).isTrue();
    }
}
