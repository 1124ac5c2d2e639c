package io.kvmha.scheduler.core;

import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.VmSpec;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An immutable copy of the cluster view, on which placement decisions are computed. A VM claims
 * capacity on a host only when the ledger holds both its spec and its latest placement there.
 */
public final class ClusterSnapshot {

    private final Map<String, HostStatus> hosts;
    private final Map<String, VmSpec> specs;
    private final Map<String, Placement> placements;
    private final Map<String, HostUsage> usage;

    public ClusterSnapshot(Map<String, HostStatus> hosts, Map<String, VmSpec> specs, Map<String, Placement> placements) {
        // Sorted so that every iteration, and therefore every tie-break, is deterministic.
        this.hosts = Collections.unmodifiableMap(new TreeMap<>(hosts));
        this.specs = Collections.unmodifiableMap(new TreeMap<>(specs));
        this.placements = Collections.unmodifiableMap(new TreeMap<>(placements));
        this.usage = usageOf(this.specs, this.placements);
    }

    public static ClusterSnapshot empty() {
        return new ClusterSnapshot(Map.of(), Map.of(), Map.of());
    }

    private static Map<String, HostUsage> usageOf(Map<String, VmSpec> specs, Map<String, Placement> placements) {
        Map<String, HostUsage> usage = new HashMap<>();
        placements.forEach((vmId, placement) -> {
            VmSpec spec = specs.get(vmId);
            if (spec != null) {
                usage.merge(placement.hostId(), HostUsage.NONE.plus(spec),
                        (a, b) -> new HostUsage(a.memoryBytes() + b.memoryBytes(), a.vcpus() + b.vcpus(),
                                a.vmCount() + b.vmCount()));
            }
        });
        return Map.copyOf(usage);
    }

    public Collection<HostStatus> hosts() {
        return hosts.values();
    }

    public Optional<HostStatus> host(String hostId) {
        return Optional.ofNullable(hosts.get(hostId));
    }

    public HostUsage usage(String hostId) {
        return usage.getOrDefault(hostId, HostUsage.NONE);
    }

    public HostCapacity capacity(HostStatus host, AllocationRatios ratios) {
        return HostCapacity.of(host, usage(host.hostId()), ratios);
    }

    /** Every VM that has a spec (the desired state), sorted by id. */
    public Collection<VmSpec> vms() {
        return specs.values();
    }

    public Optional<VmSpec> vm(String vmId) {
        return Optional.ofNullable(specs.get(vmId));
    }

    public Optional<Placement> placement(String vmId) {
        return Optional.ofNullable(placements.get(vmId));
    }

    public Optional<VmSpec> vmNamed(String name) {
        return specs.values().stream().filter(vm -> vm.name().equals(name)).findFirst();
    }

    /** The specs of the VMs whose latest placement is on {@code hostId}. */
    public List<VmSpec> vmsOn(String hostId) {
        return specs.values().stream()
                .filter(vm -> placement(vm.vmId()).map(p -> p.hostId().equals(hostId)).orElse(false))
                .toList();
    }

    /** This snapshot with one more (or one moved) VM claimed; what a planner uses between decisions. */
    public ClusterSnapshot with(VmSpec spec, Placement placement) {
        Map<String, VmSpec> newSpecs = new HashMap<>(specs);
        newSpecs.put(spec.vmId(), spec);
        Map<String, Placement> newPlacements = new HashMap<>(placements);
        newPlacements.put(placement.vmId(), placement);
        return new ClusterSnapshot(hosts, newSpecs, newPlacements);
    }
}
