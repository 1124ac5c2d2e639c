package io.kvmha.failover.core;

import io.kvmha.contracts.event.Placement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The latest placement of every VM, rebuilt from the compacted placements topic. Level-triggered: a
 * replayed or older generation changes nothing. It tells an incident which VMs its host carried; an index by
 * host keeps that a lookup at 10,000 VMs.
 */
public final class PlacementLedger {

    private final Map<String, Placement> byVm = new HashMap<>();
    private final Map<String, Set<String>> vmsByHost = new HashMap<>();

    public void put(Placement placement) {
        Placement known = byVm.get(placement.vmId());
        if (known == null || placement.generation() >= known.generation()) {
            if (known != null) {
                unindex(known);
            }
            byVm.put(placement.vmId(), placement);
            vmsByHost.computeIfAbsent(placement.hostId(), h -> new TreeSet<>()).add(placement.vmId());
        }
    }

    public void remove(String vmId) {
        Placement removed = byVm.remove(vmId);
        if (removed != null) {
            unindex(removed);
        }
    }

    private void unindex(Placement placement) {
        Set<String> vms = vmsByHost.get(placement.hostId());
        if (vms != null) {
            vms.remove(placement.vmId());
            if (vms.isEmpty()) {
                vmsByHost.remove(placement.hostId());
            }
        }
    }

    public Optional<Placement> get(String vmId) {
        return Optional.ofNullable(byVm.get(vmId));
    }

    /** The placements on a host, by VM id. */
    public List<Placement> onHost(String hostId) {
        return vmsByHost.getOrDefault(hostId, Set.of()).stream().map(byVm::get).toList();
    }

    public int size() {
        return byVm.size();
    }
}
