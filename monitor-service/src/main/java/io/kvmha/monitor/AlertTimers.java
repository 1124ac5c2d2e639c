package io.kvmha.monitor;

import io.kvmha.monitor.core.AlertSink;
import io.kvmha.monitor.core.AlertTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Drives the time-based part of the alert lifecycle ({@code for}, {@code keep_firing_for}). */
@Component
class AlertTimers {

    private static final Logger log = LoggerFactory.getLogger(AlertTimers.class);

    private final AlertTracker tracker;
    private final AlertSink sink;

    AlertTimers(AlertTracker tracker, AlertSink sink) {
        this.tracker = tracker;
        this.sink = sink;
    }

    @Scheduled(fixedDelayString = "${kvmha.monitor.evaluation-interval:1s}")
    void tick() {
        try {
            tracker.tick(sink);
        } catch (RuntimeException e) {
            // The transition was not committed; the next tick tries again.
            log.warn("alert timer evaluation failed, retrying next tick: {}", e.toString());
        }
    }
}
