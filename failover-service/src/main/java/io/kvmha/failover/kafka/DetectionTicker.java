package io.kvmha.failover.kafka;

import io.kvmha.failover.config.FailoverProperties;
import io.kvmha.failover.core.FailoverEngine;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/** Evaluates the failure detector every {@code kvmha.failover.tick-interval} on its own thread. */
@Component
public class DetectionTicker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DetectionTicker.class);

    private final FailoverEngine engine;
    private final DecisionPublisher decisions;
    private final FailoverProperties properties;
    private ScheduledExecutorService executor;

    public DetectionTicker(FailoverEngine engine, DecisionPublisher decisions, FailoverProperties properties) {
        this.engine = engine;
        this.decisions = decisions;
        this.properties = properties;
    }

    @Override
    public synchronized void start() {
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "failover-detector");
            thread.setDaemon(true);
            return thread;
        });
        long period = properties.tickInterval().toMillis();
        executor.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        try {
            decisions.decide(engine::tick);
        } catch (RuntimeException e) {
            // One bad tick must not stop detection for good: a scheduled task that throws is never run again.
            log.error("failure detector tick failed", e);
        }
    }

    @Override
    public synchronized void stop() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return executor != null;
    }
}
