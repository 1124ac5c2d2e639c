package io.kvmha.agent.kafka;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import org.springframework.kafka.support.Acknowledgment;

/**
 * Acknowledges records whose work completes out of order, in order: a record is acknowledged only once it and
 * every record delivered before it are done, so a committed offset never passes a command still running. After a
 * crash, what was running is delivered again (and answered from the result cache, or found already done by the
 * level-triggered actions). Acknowledgments from worker threads are queued by Spring Kafka and committed on the
 * consumer thread.
 */
final class InOrderAcknowledgements {

    private record Pending(CompletableFuture<?> work, Acknowledgment ack) {
    }

    private final Deque<Pending> pending = new ArrayDeque<>();

    /** Tracks one delivered record: {@code ack} is called when {@code work} and everything before it completed. */
    void track(CompletableFuture<?> work, Acknowledgment ack) {
        synchronized (pending) {
            pending.addLast(new Pending(work, ack));
        }
        work.whenComplete((r, e) -> drain());
    }

    private void drain() {
        synchronized (pending) {
            while (!pending.isEmpty() && pending.peekFirst().work().isDone()) {
                pending.removeFirst().ack().acknowledge();
            }
        }
    }

    int size() {
        synchronized (pending) {
            return pending.size();
        }
    }
}
