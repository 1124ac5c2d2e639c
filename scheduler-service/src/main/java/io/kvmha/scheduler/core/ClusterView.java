package io.kvmha.scheduler.core;

import io.kvmha.contracts.event.HostHealthChange;
import io.kvmha.contracts.event.HostInventory;
import io.kvmha.contracts.event.HostState;
import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.VmSpec;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The scheduler's view of the cluster, rebuilt from the compacted topics and updated at once by its
 * own decisions: known hosts, their health, the VM specs and the placement ledger.
 *
 * <p>Every method is level-triggered: applying the same event again changes nothing, so a replay from
 * the start of a topic, or the echo of a placement this process already applied, is harmless.
 * Placements only move forward in generation, so a late echo cannot undo a newer decision.
 *
 * <p>Concurrency: one lock guards all state. {@link #exclusively} holds it across a whole
 * decide-and-claim step, so two decisions never see the same free capacity.
 */
public final class ClusterView {

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, HostInventory> inventories = new HashMap<>();
    private final Map<String, HostState> health = new HashMap<>();
    private final Map<String, VmSpec> specs = new HashMap<>();
    private final Map<String, Placement> placements = new HashMap<>();

    public void applyInventory(HostInventory inventory) {
        exclusively(() -> inventories.put(inventory.hostId(), inventory));
    }

    /** A tombstone on the inventory topic: the host left the cluster. */
    public void removeHost(String hostId) {
        exclusively(() -> inventories.remove(hostId));
    }

    public void applyHealth(HostHealthChange change) {
        exclusively(() -> health.put(change.hostId(), change.current()));
    }

    /** A tombstone on the health topic: no judgement, which counts as ONLINE. */
    public void clearHealth(String hostId) {
        exclusively(() -> health.remove(hostId));
    }

    public void applySpec(VmSpec spec) {
        exclusively(() -> specs.put(spec.vmId(), spec));
    }

    /** A tombstone on the spec topic: the VM is deleted and its capacity free. */
    public void deleteSpec(String vmId) {
        exclusively(() -> specs.remove(vmId));
    }

    /**
     * Records a placement unless the ledger already holds a newer generation for the VM.
     *
     * @return true if the ledger changed
     */
    public boolean applyPlacement(Placement placement) {
        return exclusively(() -> {
            Placement current = placements.get(placement.vmId());
            if (current != null && (current.generation() > placement.generation() || current.equals(placement))) {
                return false;
            }
            placements.put(placement.vmId(), placement);
            return true;
        });
    }

    public void removePlacement(String vmId) {
        exclusively(() -> placements.remove(vmId));
    }

    public ClusterSnapshot snapshot() {
        return exclusively(() -> {
            Map<String, HostStatus> hosts = new HashMap<>();
            inventories.forEach((id, inventory) ->
                    hosts.put(id, new HostStatus(inventory, health.getOrDefault(id, HostState.ONLINE))));
            return new ClusterSnapshot(hosts, specs, placements);
        });
    }

    /** Runs {@code step} holding the view's lock; the lock is reentrant, so the step may read and apply. */
    public <T> T exclusively(Supplier<T> step) {
        lock.lock();
        try {
            return step.get();
        } finally {
            lock.unlock();
        }
    }

    private void exclusively(Runnable step) {
        exclusively(() -> {
            step.run();
            return null;
        });
    }
}
