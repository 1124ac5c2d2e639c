package io.kvmha.monitor.core;

import io.kvmha.contracts.event.Alert;
import io.kvmha.contracts.event.KvmHaEvent;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Runs the alert lifecycle for a set of rules: the alerts that are pending or firing, by fingerprint.
 *
 * <ul>
 *   <li>A condition that holds makes a new alert PENDING, and FIRING once it has held for the rule's
 *       {@code for} (at once when that is zero). A condition holding again for an alert that is already
 *       pending or firing changes nothing: repeated events are harmless.</li>
 *   <li>A cleared condition drops a PENDING alert silently and RESOLVES a FIRING one, at once or after
 *       the rule's {@code keep_firing_for}. A cleared condition without an alert changes nothing.</li>
 *   <li>Resolved alerts are forgotten: the next time the condition holds, a new alert starts (same
 *       fingerprint, new {@code startsAt}).</li>
 * </ul>
 *
 * Event-driven changes use the event's time; timer-driven ones ({@link #tick}) use the injected clock.
 * Thread-safe: one lock serialises all decisions, including the sink calls. {@link #firing} (a gauge) does not
 * take it: a scrape must not hang while a burst of transitions is being published.
 */
public final class AlertTracker {

    private final Map<String, AlertRule> rules;
    private final InstantSource clock;
    private final Map<String, AlertInstance> alerts = new LinkedHashMap<>();
    /** Firing alerts by severity ordinal, recounted under the lock after every change of a firing alert. */
    private volatile long[] firingBySeverity = new long[Alert.Severity.values().length];

    public AlertTracker(List<? extends AlertRule> rules, InstantSource clock) {
        this.rules = rules.stream().collect(Collectors.toMap(AlertRule::alertName, Function.identity(), (a, b) -> {
            throw new IllegalArgumentException("two rules named " + a.alertName());
        }, LinkedHashMap::new));
        this.clock = clock;
    }

    /** Evaluates every rule against the event and hands each resulting transition to the sink. */
    public synchronized void observe(KvmHaEvent event, AlertSink sink) {
        for (AlertRule candidate : rules.values()) {
            if (!(candidate instanceof EventRule rule)) {
                continue;
            }
            for (AlertCondition condition : rule.evaluate(event)) {
                if (!condition.alertName().equals(rule.alertName())) {
                    throw new IllegalStateException("rule " + rule.alertName() + " produced " + condition.alertName());
                }
                apply(rule, condition, sink);
            }
        }
    }

    /** Advances the timers: pending alerts whose {@code for} elapsed fire, kept alerts whose time ran out resolve. */
    public synchronized void tick(AlertSink sink) {
        Instant now = clock.instant();
        for (AlertInstance alert : List.copyOf(alerts.values())) {
            AlertRule rule = rules.get(alert.name());
            if (alert.state() == AlertState.PENDING && due(rule, alert, now)) {
                commit(alert, alert.fire(), sink);
            } else if (alert.clearedAt() != null && !now.isBefore(alert.clearedAt().plus(rule.keepFiringFor()))) {
                commit(alert, alert.resolve(now), sink);
            }
        }
    }

    /** Resolves the firing alerts whose labels match, at once (the thing they are about was deleted). */
    public synchronized void resolveWhere(Predicate<Map<String, String>> labels, AlertSink sink) {
        Instant now = clock.instant();
        for (AlertInstance alert : List.copyOf(alerts.values())) {
            if (labels.test(alert.labels())) {
                if (alert.state() == AlertState.FIRING) {
                    commit(alert, alert.resolve(now), sink);
                } else {
                    alerts.remove(alert.fingerprint());
                }
            }
        }
    }

    /**
     * Forgets the alerts whose labels match, without resolving them: another instance now owns them
     * (a Kafka partition moved) and will re-derive them from the same events.
     */
    public synchronized int forgetWhere(Predicate<Map<String, String>> labels) {
        int before = alerts.size();
        alerts.values().removeIf(alert -> labels.test(alert.labels()));
        recountFiring();
        return before - alerts.size();
    }

    /** The alerts that are pending or firing now. */
    public synchronized List<AlertInstance> active() {
        return new ArrayList<>(alerts.values());
    }

    /** Alerts firing now with this severity, as of the last committed transition; does not wait for the lock. */
    public long firing(Alert.Severity severity) {
        return firingBySeverity[severity.ordinal()];
    }

    /**
     * Applies one evaluation of an expression rule: each holding condition holds, and each pending or
     * firing alert of the rule that is not among them is cleared at {@code at}.
     */
    public synchronized void reconcile(String alertName, List<AlertCondition> holding, Instant at, AlertSink sink) {
        AlertRule rule = rules.get(alertName);
        if (rule == null) {
            throw new IllegalArgumentException("no rule named " + alertName);
        }
        java.util.Set<String> present = new java.util.HashSet<>();
        for (AlertCondition condition : holding) {
            present.add(condition.fingerprint());
            apply(rule, condition, sink);
        }
        for (AlertInstance alert : List.copyOf(alerts.values())) {
            if (alert.name().equals(alertName) && !present.contains(alert.fingerprint())) {
                apply(rule, AlertCondition.cleared(alertName, alert.severity(), alert.labels(), at), sink);
            }
        }
    }

    private void apply(AlertRule rule, AlertCondition condition, AlertSink sink) {
        AlertInstance current = alerts.get(condition.fingerprint());
        if (condition.holds()) {
            if (current == null) {
                AlertInstance pending = AlertInstance.pending(condition);
                commit(null, due(rule, pending, clock.instant()) ? pending.fire() : pending, sink);
            } else if (current.state() == AlertState.PENDING && due(rule, current, clock.instant())) {
                commit(current, current.fire(), sink);
            } else if (current.clearedAt() != null) {
                alerts.put(current.fingerprint(), current.holdingAgain()); // within keep_firing_for: cancel the resolve
            }
        } else if (current != null) {
            if (current.state() == AlertState.PENDING) {
                alerts.remove(current.fingerprint()); // never seen outside, so nothing to resolve
            } else if (rule.keepFiringFor().isZero()) {
                commit(current, current.resolve(condition.observedAt()), sink);
            } else if (current.clearedAt() == null) {
                alerts.put(current.fingerprint(), current.clearedSince(condition.observedAt()));
            }
        }
    }

    private static boolean due(AlertRule rule, AlertInstance alert, Instant now) {
        return rule.pendingFor().isZero() || !now.isBefore(alert.startsAt().plus(rule.pendingFor()));
    }

    /** The sink first: if it throws, the tracker keeps the previous state and the next evaluation retries. */
    private void commit(AlertInstance previous, AlertInstance next, AlertSink sink) {
        sink.accept(new AlertTransition(previous == null ? null : previous.state(), next));
        if (next.state() == AlertState.RESOLVED) {
            alerts.remove(next.fingerprint());
        } else {
            alerts.put(next.fingerprint(), next);
        }
        if (next.state() != AlertState.PENDING) {
            recountFiring();
        }
    }

    private void recountFiring() {
        long[] counts = new long[Alert.Severity.values().length];
        for (AlertInstance alert : alerts.values()) {
            if (alert.state() == AlertState.FIRING) {
                counts[alert.severity().ordinal()]++;
            }
        }
        firingBySeverity = counts;
    }
}
