package io.kvmha.failover.kafka;

import io.kvmha.contracts.event.KvmHaEvent;
import io.kvmha.contracts.spring.EventPublisher;
import io.kvmha.failover.core.Actions;
import io.kvmha.failover.core.FailoverEngine;
import io.kvmha.failover.core.FenceRequest;
import io.kvmha.failover.fencing.FencingExecutor;
import io.kvmha.failover.core.OperatorNote;
import io.kvmha.failover.metrics.RecoveryMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * Carries out the core's {@link Actions}: publishes events in order, writes the operator log, records
 * metrics. A decision and the sending of its events happen under one lock, so events leave in the order
 * the decisions were taken (a DOWN from a tick can never be overtaken by the ONLINE of the heartbeat
 * right after it, which on the compacted health topic would leave the wrong state).
 */
@Component
public class DecisionPublisher {

    private static final Logger log = LoggerFactory.getLogger(DecisionPublisher.class);

    private final EventPublisher publisher;
    private final RecoveryMetrics metrics;
    private final FailoverEngine engine;
    private final FencingExecutor fencing;
    private final Object order = new Object();

    public DecisionPublisher(EventPublisher publisher, RecoveryMetrics metrics, FailoverEngine engine, FencingExecutor fencing) {
        this.publisher = publisher;
        this.metrics = metrics;
        this.engine = engine;
        this.fencing = fencing;
    }

    /** Takes a decision and carries it out before any other decision is taken. */
    public void decide(Supplier<Actions> decision) {
        synchronized (order) {
            apply(decision.get());
        }
    }

    private void apply(Actions actions) {
        if (actions.isEmpty()) {
            return;
        }
        for (OperatorNote note : actions.notes()) {
            switch (note.level()) {
                case DEBUG -> log.debug(note.message());
                case INFO -> log.info(note.message());
                case WARN -> log.warn(note.message());
            }
        }
        for (KvmHaEvent event : actions.events()) {
            publisher.publish(event).whenComplete((sent, failure) -> {
                if (failure != null) {
                    log.error("could not publish {} key={}: {}", event.getClass().getSimpleName(), event.key(),
                            failure.toString());
                }
            });
        }
        actions.durations().forEach(metrics::record);
        actions.closed().forEach(metrics::closed);
        for (FenceRequest request : actions.fences()) {
            // The outcome comes back as a decision of its own, taken in order with all others.
            fencing.fence(request, outcome -> decide(() -> engine.onFenceOutcome(outcome)));
        }
    }
}
