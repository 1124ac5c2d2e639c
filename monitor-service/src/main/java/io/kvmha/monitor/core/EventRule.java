package io.kvmha.monitor.core;

import io.kvmha.contracts.event.KvmHaEvent;
import java.time.Duration;
import java.util.List;

/**
 * An alerting rule over the event streams. A rule is stateless: for each event it states which alert
 * conditions now hold or no longer hold, and the {@link AlertTracker} runs the alert lifecycle
 * (pending, firing, resolved, the {@code for} and {@code keep_firing_for} timers, idempotency).
 */
public interface EventRule {

    /** The {@code alertname} of the alerts this rule produces; unique among the rules of a tracker. */
    String alertName();

    /** How long a condition must hold before its alert fires (Prometheus {@code for}); zero fires at once. */
    default Duration pendingFor() {
        return Duration.ZERO;
    }

    /** How long an alert keeps firing after its condition cleared (Prometheus {@code keep_firing_for}). */
    default Duration keepFiringFor() {
        return Duration.ZERO;
    }

    /** The conditions this event sets or clears; empty when the event is not about this rule. */
    List<AlertCondition> evaluate(KvmHaEvent event);
}
