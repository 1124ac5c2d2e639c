package io.kvmha.monitor.core;

import io.kvmha.contracts.event.Alert;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What a rule observed about one alert: its condition holds (since {@code observedAt}) or has stopped
 * holding. Rules state conditions, level-triggered; the {@link AlertTracker} turns them into
 * transitions, so a rule never needs to remember whether it already fired.
 *
 * @param labels      identify the alert (with the name they make its {@link Fingerprint})
 * @param annotations human-readable details; used when the alert starts, ignored for a cleared condition
 * @param observedAt  when the condition was seen to start or stop, in event time
 */
public record AlertCondition(
        String alertName,
        Alert.Severity severity,
        Map<String, String> labels,
        Map<String, String> annotations,
        boolean holds,
        Instant observedAt) {

    public AlertCondition {
        Objects.requireNonNull(alertName, "alertName");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(observedAt, "observedAt");
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
    }

    public static AlertCondition holds(String alertName, Alert.Severity severity, Map<String, String> labels,
                                       Map<String, String> annotations, Instant since) {
        return new AlertCondition(alertName, severity, labels, annotations, true, since);
    }

    public static AlertCondition cleared(String alertName, Alert.Severity severity, Map<String, String> labels,
                                         Instant at) {
        return new AlertCondition(alertName, severity, labels, Map.of(), false, at);
    }

    public String fingerprint() {
        return Fingerprint.of(alertName, labels);
    }
}
