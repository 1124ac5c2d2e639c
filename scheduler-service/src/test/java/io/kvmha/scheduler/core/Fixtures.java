package io.kvmha.scheduler.core;

import io.kvmha.contracts.event.HaPolicy;
import io.kvmha.contracts.event.HostHealthChange;
import io.kvmha.contracts.event.HostInventory;
import io.kvmha.contracts.event.HostState;
import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.Tier;
import io.kvmha.contracts.event.VmSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Small builders for core tests. */
final class Fixtures {

    static final Instant T0 = Instant.parse("2026-11-27T12:00:00Z");

    private Fixtures() {
    }

    static HostInventory host(String hostId, int cpus, long memoryMib) {
        long bytes = Units.mibToBytes(memoryMib);
        var cell = new HostInventory.NumaCell(0, bytes, bytes / 2, List.of(), List.of());
        return new HostInventory(hostId, "uuid-" + hostId, "test:///default", "test", cpus, bytes, List.of(cell),
                "TEST", "9.0.0", "7.2.0", true, Map.of(), T0);
    }

    static VmSpec vm(String name, int vcpus, long memoryMib, Tier tier, HaPolicy policy, int priority) {
        return new VmSpec("id-" + name, name, vcpus, memoryMib, tier, policy, priority, Map.of(), T0);
    }

    static VmSpec vm(String name, int vcpus, long memoryMib) {
        return vm(name, vcpus, memoryMib, Tier.SILVER, HaPolicy.RESTART, 0);
    }

    static Placement placement(VmSpec vm, String hostId, long generation) {
        return new Placement(vm.vmId(), hostId, generation, List.of(), "test", null, T0);
    }

    static HostHealthChange health(String hostId, HostState state) {
        return new HostHealthChange(hostId, HostState.ONLINE, state, List.of("test"), "inc-test", T0);
    }
}
