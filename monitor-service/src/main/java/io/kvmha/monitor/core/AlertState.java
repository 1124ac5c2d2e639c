package io.kvmha.monitor.core;

/**
 * Where an alert is in its life, as in Prometheus: PENDING while its condition has held for less than
 * the rule's {@code for} duration (never sent out), FIRING, and RESOLVED once the condition stopped
 * holding (and the rule's {@code keep_firing_for} ran out).
 */
public enum AlertState {
    PENDING, FIRING, RESOLVED
}
