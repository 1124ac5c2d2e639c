package io.kvmha.monitor.core;

import io.kvmha.contracts.event.Alert;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One alert at one point of its life. Immutable: every change yields a new instance.
 *
 * @param startsAt   when its condition began (Prometheus' activeAt); kept unchanged across re-sends,
 *                   also while PENDING, so a re-sent FIRING alert is identical to the first one
 * @param endsAt     when it resolved; null unless RESOLVED
 * @param clearedAt  when its condition stopped holding while {@code keep_firing_for} keeps it firing;
 *                   null otherwise
 */
public record AlertInstance(
        String name,
        String fingerprint,
        AlertState state,
        Alert.Severity severity,
        Map<String, String> labels,
        Map<String, String> annotations,
        Instant startsAt,
        Instant endsAt,
        Instant clearedAt) {

    public AlertInstance {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(startsAt, "startsAt");
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
    }

    static AlertInstance pending(AlertCondition condition) {
        return new AlertInstance(condition.alertName(), condition.fingerprint(), AlertState.PENDING,
                condition.severity(), condition.labels(), condition.annotations(), condition.observedAt(), null, null);
    }

    AlertInstance fire() {
        return new AlertInstance(name, fingerprint, AlertState.FIRING, severity, labels, annotations, startsAt, null, null);
    }

    AlertInstance clearedSince(Instant at) {
        return new AlertInstance(name, fingerprint, state, severity, labels, annotations, startsAt, null, at);
    }

    AlertInstance holdingAgain() {
        return new AlertInstance(name, fingerprint, state, severity, labels, annotations, startsAt, null, null);
    }

    /** Resolved with the annotations it fired with: Alertmanager wants the full alert on resolve. */
    AlertInstance resolve(Instant at) {
        Instant end = at.isBefore(startsAt) ? startsAt : at; // clock skew must not yield endsAt < startsAt
        return new AlertInstance(name, fingerprint, AlertState.RESOLVED, severity, labels, annotations, startsAt, end, null);
    }

    /** The {@code host} label, or null for alerts not about one host. */
    public String host() {
        return labels.get("host");
    }
}
