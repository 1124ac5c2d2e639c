package io.kvmha.monitor.core;

/**
 * Receives alert transitions as the {@link AlertTracker} decides them. The tracker commits a transition
 * only after {@link #accept} returned: a sink that throws (its broker is unreachable) leaves the alert
 * in its previous state, so evaluating the same event again yields the same transition again.
 */
@FunctionalInterface
public interface AlertSink {
    void accept(AlertTransition transition);
}
