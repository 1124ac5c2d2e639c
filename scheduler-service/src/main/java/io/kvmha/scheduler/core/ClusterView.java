package io.kvmha.scheduler.core;

import io.kvmha.contracts.event.HostHealthChange;
import io.kvmha.contracts.event.HostInventory;
import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.VmSpec;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The scheduler's view of the cluster: the {@link ClusterLedger}, rebuilt from the compacted topics and
 * updated at once by this instance's own decisions.
 *
 * <p>Every apply is level-triggered: applying the same event again changes nothing, so a replay from the
 * start of a topic, or the echo of a placement this process already applied, is harmless. Placements
 * only move forward in generation, so a late echo cannot undo a newer decision.
 *
 * <p>Concurrency: one lock guards the ledger. {@link #exclusively} holds it across a whole
 * decide-and-claim step, so two decisions never see the same free capacity.
 */
public final class ClusterView {

    private final ReentrantLock lock = new ReentrantLock();
    private final ClusterLedger ledger;

    public ClusterView(AllocationRatios ratios) {
        this.ledger = new ClusterLedger(ratios);
    }

    public ClusterView() {
        this(AllocationRatios.DEFAULT);
    }

    public void applyInventory(HostInventory inventory) {
        exclusively(() -> ledger.putInventory(inventory));
    }

    /** A tombstone on the inventory topic: the host left the cluster. */
    public void removeHost(String hostId) {
        exclusively(() -> ledger.removeHost(hostId));
    }

    public void applyHealth(HostHealthChange change) {
        exclusively(() -> ledger.setHealth(change.hostId(), change.current()));
    }

    /** A tombstone on the health topic: no judgement, which counts as ONLINE. */
    public void clearHealth(String hostId) {
        exclusively(() -> ledger.setHealth(hostId, null));
    }

    public void applySpec(VmSpec spec) {
        exclusively(() -> ledger.putSpec(spec));
    }

    /** A tombstone on the spec topic: the VM is deleted and its capacity free. */
    public void deleteSpec(String vmId) {
        exclusively(() -> ledger.removeSpec(vmId));
    }

    /** @return true if the ledger changed (an older generation or the same record changes nothing) */
    public boolean applyPlacement(Placement placement) {
        return exclusively(() -> ledger.putPlacement(placement));
    }

    public void removePlacement(String vmId) {
        exclusively(() -> ledger.removePlacement(vmId));
    }

    /** Reads the ledger under the lock; the function must copy out what it keeps. */
    public <T> T read(Function<ClusterLedger, T> reader) {
        return exclusively(() -> reader.apply(ledger));
    }

    /** Runs {@code step} holding the lock; reentrant, so the step may call the view again. */
    public <T> T exclusively(Supplier<T> step) {
        lock.lock();
        try {
            return step.get();
        } finally {
            lock.unlock();
        }
    }

    /** The ledger itself, for a step already holding the lock via {@link #exclusively}. */
    public ClusterLedger ledger() {
        if (!lock.isHeldByCurrentThread()) {
            throw new IllegalStateException("the ledger may only be used under the view's lock");
        }
        return ledger;
    }

    private void exclusively(Runnable step) {
        exclusively(() -> {
            step.run();
            return null;
        });
    }
}
