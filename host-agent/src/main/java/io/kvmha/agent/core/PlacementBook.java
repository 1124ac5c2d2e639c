package io.kvmha.agent.core;

import io.kvmha.contracts.event.Placement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The latest placement of every VM placed on this host, from the scheduler's compacted placements
 * topic. A DEFINE_AND_START applies the NUMA claims of the placement whose generation the command
 * names; since placements and commands travel on different topics, the command may arrive first, so
 * the executor waits a little for the placement.
 */
public final class PlacementBook {

    private final String hostId;
    private final Map<String, Placement> byVm = new HashMap<>();

    public PlacementBook(String hostId) {
        this.hostId = hostId;
    }

    /** Records a placement (level-triggered: the same placement twice changes nothing). */
    public synchronized void put(Placement placement) {
        Placement known = byVm.get(placement.vmId());
        if (known != null && known.generation() > placement.generation()) {
            return;
        }
        if (hostId.equals(placement.hostId())) {
            byVm.put(placement.vmId(), placement);
        } else {
            byVm.remove(placement.vmId()); // re-placed elsewhere
        }
        notifyAll();
    }

    /** The VM's placement was deleted (tombstone). */
    public synchronized void remove(String vmId) {
        byVm.remove(vmId);
    }

    /** The placement of this VM on this host with exactly this generation, waiting up to {@code wait} for it. */
    public synchronized Optional<Placement> await(String vmId, long generation, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            Placement p = byVm.get(vmId);
            if (p != null && p.generation() == generation) {
                return Optional.of(p);
            }
            if (p != null && p.generation() > generation) {
                return Optional.empty();
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    public synchronized int size() {
        return byVm.size();
    }
}
