package io.kvmha.simulation.fleet;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one host's tasks one at a time, in submission order, on a pool shared by the whole fleet: a real
 * agent handles its commands on one listener thread, and a thousand simulated hosts must not need a
 * thousand threads.
 */
final class SerialLane {

    private final Executor pool;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    SerialLane(Executor pool) {
        this.pool = pool;
    }

    void submit(Runnable task) {
        tasks.add(task);
        schedule();
    }

    private void schedule() {
        if (!tasks.isEmpty() && scheduled.compareAndSet(false, true)) {
            pool.execute(this::drain);
        }
    }

    private void drain() {
        try {
            Runnable task;
            while ((task = tasks.poll()) != null) {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    // One failing task must not stall the host's lane; the task logs its own failure.
                }
            }
        } finally {
            scheduled.set(false);
            schedule(); // a task added between the last poll and the reset
        }
    }
}
