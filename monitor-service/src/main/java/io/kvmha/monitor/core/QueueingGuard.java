package io.kvmha.monitor.core;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A lock around a state that is not thread-safe, whose writers do not wait for readers. {@link #read} takes
 * the lock (waiting) and first applies every queued change. {@link #change} applies its change at once if
 * the lock is free and no reader waits for it (after the queued ones), else queues it and returns: a Kafka
 * listener thread is never held up by a rule evaluation or a scrape, nor can a stream of changes starve them. Changes are applied in the order they were made (a queued change is
 * applied before any change made after it by the same thread, and before the next read). Over
 * {@code maxPending} queued changes, {@code change} waits for the lock, so memory stays bounded and a state
 * that cannot keep up shows as consumer lag rather than as a growing heap.
 *
 * <p>A change applied at once throws to its caller (a Kafka record that cannot be ingested is retried, then
 * dead-lettered); a queued change that throws is logged by the thread that applies it and skipped.
 *
 * @param <S> the guarded state
 */
public final class QueueingGuard<S> {

    // java.util.logging: the core has no logging dependency; Spring Boot routes it to the service's log.
    private static final Logger log = Logger.getLogger(QueueingGuard.class.getName());

    private final S state;
    private final int maxPending;
    /**
     * Fair, so that a writer over the bound gets its turn between two reads even when reads run back to
     * back (tryLock barges regardless, so the fast path is not slowed).
     */
    private final ReentrantLock lock = new ReentrantLock(true);
    private final ConcurrentLinkedQueue<Consumer<S>> pending = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pendingCount = new AtomicInteger();

    /** @param maxPending how many changes may wait for the lock before {@link #change} waits too (0: always wait) */
    public QueueingGuard(S state, int maxPending) {
        if (maxPending < 0) {
            throw new IllegalArgumentException("maxPending must not be negative: " + maxPending);
        }
        this.state = state;
        this.maxPending = maxPending;
    }

    /** Applies {@code change} now if the lock is free, else queues it; over the bound, waits for the lock. */
    public void change(Consumer<S> change) {
        // While a reader waits, queue rather than barge in: a steady stream of changes must not starve
        // reads (the rule evaluation, a scrape); the reader applies the queue when it gets the lock.
        if (lock.hasQueuedThreads() || !lock.tryLock()) {
            if (pendingCount.incrementAndGet() <= maxPending) {
                pending.add(change);
                return;
            }
            pendingCount.decrementAndGet();
            lock.lock();
        }
        try {
            applyPending();
            change.accept(state);
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock, after applying the queued changes: reads (or housekeeps) the state. */
    public <R> R read(Function<S, R> reader) {
        lock.lock();
        try {
            applyPending();
            return reader.apply(state);
        } finally {
            lock.unlock();
        }
    }

    /** Changes waiting for the lock. */
    public int pending() {
        return pendingCount.get();
    }

    private void applyPending() {
        Consumer<S> next;
        while ((next = pending.poll()) != null) {
            pendingCount.decrementAndGet();
            try {
                next.accept(state);
            } catch (RuntimeException e) {
                // Its Kafka offset may be committed already; one bad change must not stop the others.
                log.log(Level.WARNING, "a queued change could not be applied and was skipped", e);
            }
        }
    }
}
