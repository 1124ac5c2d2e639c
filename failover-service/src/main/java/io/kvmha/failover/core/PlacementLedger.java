package io.kvmha.failover.core;

import io.kvmha.contracts.event.Placement;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The latest placement of every VM, rebuilt from the compacted placements topic. Level-triggered: a
 * replayed or older generation changes nothing. It tells an incident which VMs its host carried.
 */
public final class PlacementLedger {

    private final Map<String, Placement> byVm = new HashMap<>();

    public void put(Placement placement) {
        Placement known = byVm.get(placement.vmId());
        if (known == null || placement.generation() >= known.generation()) {
            byVm.put(placement.vmId(), placement);
        }
    }

    public void remove(String vmId) {
        byVm.remove(vmId);
    }

    public Optional<Placement> get(String vmId) {
        return Optional.ofNullable(byVm.get(vmId));
    }

    public List<Placement> onHost(String hostId) {
        return byVm.values().stream().filter(p -> p.hostId().equals(hostId))
                .sorted(Comparator.comparing(Placement::vmId)).toList();
    }

    public int size() {
        return byVm.size();
    }
}
