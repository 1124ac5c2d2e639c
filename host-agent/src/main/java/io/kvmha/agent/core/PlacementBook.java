package io.kvmha.agent.core;

import io.kvmha.contracts.event.Placement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The latest placement of every VM, from the scheduler's compacted placements topic, replayed from the start
 * whenever the agent starts. Two uses:
 * <ul>
 *   <li>A DEFINE_AND_START applies the NUMA claims of the placement whose generation the command names; since
 *       placements and commands travel on different topics, the command may arrive first, so the executor waits a
 *       little for it.</li>
 *   <li>A start whose generation has been superseded (the VM was placed again, elsewhere, since) is stale and must
 *       never run: Kafka delivers at least once, and an agent whose host died before it committed a command gets
 *       that command again when the host comes back — after the VM was recovered on another host.</li>
 * </ul>
 * The book is <em>caught up</em> once the replay reached the end of every partition as it was at assignment.
 */
public final class PlacementBook {

    private final String hostId;
    private final Map<String, Placement> latest = new HashMap<>();
    private boolean caughtUp;

    public PlacementBook(String hostId) {
        this.hostId = hostId;
    }

    /** Records a placement (level-triggered: the same placement twice changes nothing; older ones are ignored). */
    public synchronized void put(Placement placement) {
        Placement known = latest.get(placement.vmId());
        if (known != null && known.generation() > placement.generation()) {
            return;
        }
        latest.put(placement.vmId(), placement);
        notifyAll();
    }

    /** The VM's placement was deleted (tombstone). */
    public synchronized void remove(String vmId) {
        latest.remove(vmId);
        notifyAll();
    }

    /** The replay has reached the end the topic had when it began. */
    public synchronized void markCaughtUp() {
        caughtUp = true;
        notifyAll();
    }

    public synchronized boolean caughtUp() {
        return caughtUp;
    }

    /** Waits up to {@code wait} for the replay to catch up; true when it has. */
    public synchronized boolean awaitCaughtUp(Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!caughtUp) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    /** The placement of this VM on this host with exactly this generation, waiting up to {@code wait} for it. */
    public synchronized Optional<Placement> await(String vmId, long generation, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            Placement p = latest.get(vmId);
            if (p != null && p.generation() == generation) {
                return hostId.equals(p.hostId()) ? Optional.of(p) : Optional.empty();
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

    /**
     * Why a start of the VM at {@code generation} on this host is stale: a newer placement exists, or the placement
     * of that generation names another host. Empty when nothing newer is known.
     */
    public synchronized Optional<String> supersession(String vmId, long generation) {
        Placement p = latest.get(vmId);
        if (p == null) {
            return Optional.empty();
        }
        if (p.generation() > generation) {
            return Optional.of("placement generation " + generation + " is superseded by generation " + p.generation()
                    + " on " + p.hostId());
        }
        if (p.generation() == generation && !hostId.equals(p.hostId())) {
            return Optional.of("placement generation " + generation + " names host " + p.hostId() + ", not " + hostId);
        }
        return Optional.empty();
    }

    /** Placements of VMs on this host. */
    public synchronized int size() {
        return (int) latest.values().stream().filter(p -> hostId.equals(p.hostId())).count();
    }
}
