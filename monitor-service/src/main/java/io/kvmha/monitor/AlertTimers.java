package io.kvmha.monitor;

import io.kvmha.monitor.core.AlertSink;
import io.kvmha.monitor.core.AlertTracker;
import io.kvmha.monitor.core.rules.RuleEngine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Every evaluation interval: evaluates the expression rules, hands their results to the tracker, and
 * advances the time-based part of the lifecycle ({@code for}, {@code keep_firing_for}).
 */
@Component
class AlertTimers {

    private static final Logger log = LoggerFactory.getLogger(AlertTimers.class);

    private final AlertTracker tracker;
    private final AlertSink sink;
    private final RuleEngine engine;
    private final Clock clock;
    private final Timer evaluation;
    private final AtomicLong lastEvaluation = new AtomicLong();

    AlertTimers(AlertTracker tracker, AlertSink sink, RuleEngine engine, Clock clock, MeterRegistry meters) {
        this.tracker = tracker;
        this.sink = sink;
        this.engine = engine;
        this.clock = clock;
        this.evaluation = Timer.builder("kvmha.monitor.rule.evaluation")
                .description("Time to evaluate every rule once").register(meters);
        io.micrometer.core.instrument.Gauge.builder("kvmha.monitor.last.evaluation.timestamp.seconds", lastEvaluation,
                        v -> v.get() / 1000.0)
                .description("When the rules were last evaluated (Unix time); KvmHaMonitorStale watches it")
                .strongReference(true)
                .register(meters);
    }

    /** At a fixed rate: a slow evaluation shortens the pause after it rather than delaying the next one. */
    @Scheduled(fixedRateString = "${kvmha.monitor.evaluation-interval:500ms}")
    void tick() {
        try {
            Instant now = clock.instant();
            long start = System.nanoTime();
            for (RuleEngine.Evaluation result : engine.evaluate(now)) {
                tracker.reconcile(result.rule().alertName(), result.holding(), now, sink);
            }
            tracker.tick(sink);
            evaluation.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
            lastEvaluation.set(now.toEpochMilli());
        } catch (RuntimeException e) {
            // The transition was not committed; the next tick tries again.
            log.warn("alert evaluation failed, retrying next tick: {}", e.toString());
        }
    }
}
