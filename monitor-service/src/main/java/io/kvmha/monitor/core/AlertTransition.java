package io.kvmha.monitor.core;

/**
 * An alert entering a new state.
 *
 * @param previous the state it left; null for a new alert
 * @param alert    the alert in its new state
 */
public record AlertTransition(AlertState previous, AlertInstance alert) {

    /** Whether receivers outside the monitor see it: pending alerts stay internal, as in Prometheus. */
    public boolean isVisible() {
        return alert.state() != AlertState.PENDING;
    }
}
