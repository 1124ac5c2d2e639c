package io.kvmha.monitor.core;

import java.time.Duration;

/** What the {@link AlertTracker} needs to know of any rule: its alert name and its timers. */
public interface AlertRule {

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
}
