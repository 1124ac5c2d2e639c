package io.kvmha.scheduler.core;

import io.kvmha.contracts.event.HostInventory;
import io.kvmha.contracts.event.HostState;
import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.Tier;
import io.kvmha.contracts.event.VmSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The placement ledger of the whole cluster: hosts (inventory, health, drain flag), VM specs and the
 * latest placement of every VM. It is the only source of used capacity: a VM is charged on a host
 * when the ledger holds its spec, its latest placement there and the host's inventory, whatever order
 * those arrive in during a replay. Level-triggered: applying the same record twice changes nothing.
 *
 * <p>Not thread-safe; {@link ClusterView} guards it with one lock.
 */
public final class ClusterLedger {

    private final AllocationRatios ratios;
    private final Map<String, HostLedger> hosts = new TreeMap<>();
    private HostLedger[] ordered = new HostLedger[0];
    private int maxCellCount = 1;
    private final Map<String, HostState> health = new HashMap<>();
    private final Set<String> draining = new HashSet<>();
    private final Map<String, VmSpec> specs = new TreeMap<>();
    private final Map<String, Placement> placements = new HashMap<>();
    private final Map<String, String> chargedOn = new HashMap<>();
    private final Map<String, Set<String>> placedOn = new HashMap<>();
    private final Map<String, String> names = new HashMap<>();
    private final long[] tierMemoryBytes = new long[Tier.values().length];
    private long epoch;

    public ClusterLedger(AllocationRatios ratios) {
        this.ratios = ratios;
    }

    public AllocationRatios ratios() {
        return ratios;
    }

    /** Grows with every change of hosts, health or drain flags (not with claims): caches of host sets key on it. */
    public long epoch() {
        return epoch;
    }

    // ---- hosts ----

    public void putInventory(HostInventory inventory) {
        HostLedger old = hosts.get(inventory.hostId());
        if (old != null && old.inventory().equals(inventory)) {
            return;
        }
        if (old != null) {
            old.vmIds().forEach(this::uncharge);
        }
        HostLedger host = new HostLedger(inventory, ratios);
        host.state(health.getOrDefault(inventory.hostId(), HostState.ONLINE));
        host.draining(draining.contains(inventory.hostId()));
        hosts.put(inventory.hostId(), host);
        reorder();
        Set<String> placed = placedOn.get(inventory.hostId());
        if (placed != null) {
            new ArrayList<>(placed).forEach(this::recharge);
        }
    }

    public void removeHost(String hostId) {
        HostLedger old = hosts.get(hostId);
        if (old != null) {
            old.vmIds().forEach(this::uncharge);
            hosts.remove(hostId);
            reorder();
        }
    }

    private void reorder() {
        ordered = hosts.values().toArray(HostLedger[]::new);
        maxCellCount = 1;
        for (HostLedger host : ordered) {
            maxCellCount = Math.max(maxCellCount, host.topology().cellCount());
        }
        epoch++;
    }

    public void setHealth(String hostId, HostState state) {
        if (state == null) {
            health.remove(hostId);
        } else {
            health.put(hostId, state);
        }
        HostLedger host = hosts.get(hostId);
        if (host != null) {
            host.state(state == null ? HostState.ONLINE : state);
        }
        epoch++;
    }

    /** A draining host takes no new VMs; its VMs stay charged on it until moved. */
    public void setDraining(String hostId, boolean drain) {
        if (drain) {
            draining.add(hostId);
        } else {
            draining.remove(hostId);
        }
        HostLedger host = hosts.get(hostId);
        if (host != null) {
            host.draining(drain);
        }
        epoch++;
    }

    /** All known hosts in host-id order; the array is the ledger's own, do not modify. */
    public HostLedger[] hostArray() {
        return ordered;
    }

    /** The most NUMA cells any known host has (at least 1); kept with the host order, not recounted per decision. */
    public int maxCellCount() {
        return maxCellCount;
    }

    public Collection<HostLedger> hosts() {
        return hosts.values();
    }

    public Optional<HostLedger> host(String hostId) {
        return Optional.ofNullable(hosts.get(hostId));
    }

    // ---- VMs ----

    public void putSpec(VmSpec spec) {
        VmSpec old = specs.put(spec.vmId(), spec);
        if (old != null) {
            names.remove(old.name(), old.vmId());
        }
        names.put(spec.name(), spec.vmId());
        if (!spec.equals(old)) {
            recharge(spec.vmId());
        }
    }

    public void removeSpec(String vmId) {
        VmSpec old = specs.get(vmId);
        uncharge(vmId);
        specs.remove(vmId);
        if (old != null) {
            names.remove(old.name(), vmId);
        }
    }

    /** Records a placement unless a newer generation is already held. @return true if the ledger changed */
    public boolean putPlacement(Placement placement) {
        Placement current = placements.get(placement.vmId());
        if (current != null && (current.generation() > placement.generation() || current.equals(placement))) {
            return false;
        }
        forcePlacement(placement);
        return true;
    }

    /** Sets a VM's placement whatever its generation: to undo a tentative claim. */
    void forcePlacement(Placement placement) {
        Placement old = placements.put(placement.vmId(), placement);
        if (old != null) {
            unindex(old);
        }
        placedOn.computeIfAbsent(placement.hostId(), h -> new HashSet<>()).add(placement.vmId());
        recharge(placement.vmId());
    }

    public void removePlacement(String vmId) {
        uncharge(vmId);
        Placement old = placements.remove(vmId);
        if (old != null) {
            unindex(old);
        }
    }

    private void unindex(Placement placement) {
        Set<String> placed = placedOn.get(placement.hostId());
        if (placed != null) {
            placed.remove(placement.vmId());
            if (placed.isEmpty()) {
                placedOn.remove(placement.hostId());
            }
        }
    }

    /** Ids of the VMs whose latest placement is on a host (charged or not), sorted. */
    public List<String> vmIdsPlacedOn(String hostId) {
        Set<String> placed = placedOn.get(hostId);
        return placed == null ? List.of() : placed.stream().sorted().toList();
    }

    private void recharge(String vmId) {
        uncharge(vmId);
        VmSpec spec = specs.get(vmId);
        Placement placement = placements.get(vmId);
        if (spec == null || placement == null) {
            return;
        }
        HostLedger host = hosts.get(placement.hostId());
        if (host == null) {
            return;
        }
        host.charge(spec, placement);
        chargedOn.put(vmId, host.hostId());
        addTier(spec, +1);
    }

    private void uncharge(String vmId) {
        String hostId = chargedOn.remove(vmId);
        if (hostId != null) {
            HostLedger host = hosts.get(hostId);
            if (host != null) {
                HostLedger.Charged charged = host.charged(vmId);
                host.uncharge(vmId);
                if (charged != null) {
                    addTier(charged.spec(), -1);
                }
            }
        }
    }

    private void addTier(VmSpec spec, int sign) {
        if (spec != null) {
            tierMemoryBytes[spec.tier().ordinal()] += sign * Units.mibToBytes(spec.memoryMib());
        }
    }

    public Collection<VmSpec> specs() {
        return specs.values();
    }

    public Optional<VmSpec> spec(String vmId) {
        return Optional.ofNullable(specs.get(vmId));
    }

    public Optional<Placement> placement(String vmId) {
        return Optional.ofNullable(placements.get(vmId));
    }

    public Optional<String> vmIdNamed(String name) {
        return Optional.ofNullable(names.get(name));
    }

    /** Memory of the VMs of a tier charged anywhere in the ledger. */
    public long tierMemoryBytes(Tier tier) {
        return tierMemoryBytes[tier.ordinal()];
    }

    /** Placeable memory of the hosts that accept VMs (ONLINE, not draining). */
    public long acceptingMemoryCapacityBytes() {
        long total = 0;
        for (HostLedger host : ordered) {
            if (host.acceptsVms()) {
                total += host.memoryCapacityBytes();
            }
        }
        return total;
    }

    /** Whether any VM in an affinity group is placed, and where: null when none is. */
    /** The first host not in {@code excluded} that runs a member of the affinity group, or null. */
    String affinityHost(String group, java.util.Set<String> excluded) {
        String key = HostLedger.affinityKey(group);
        for (HostLedger host : ordered) {
            if (host.groupCount(key) > 0 && !excluded.contains(host.hostId())) {
                return host.hostId();
            }
        }
        return null;
    }
}
