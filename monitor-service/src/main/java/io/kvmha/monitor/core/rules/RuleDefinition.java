package io.kvmha.monitor.core.rules;

import io.kvmha.contracts.event.Alert;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * One alerting rule as written in the rules YAML (the fields of a Prometheus alerting rule).
 *
 * @param alert         the alert name
 * @param expr          the expression; every element of its result is one alert
 * @param pendingFor    {@code for}: how long an element must be present before its alert fires
 * @param keepFiringFor {@code keep_firing_for}: how long an alert keeps firing after its element went away
 * @param labels        added to each alert; {@code severity} (critical, warning, info) is required
 * @param annotations   templates ({@code {{ $labels.host }}}, {@code {{ $value }}}); {@code summary},
 *                      {@code description} and {@code runbook_url} are required
 */
public record RuleDefinition(String alert, String expr, Duration pendingFor, Duration keepFiringFor,
                             Map<String, String> labels, Map<String, String> annotations) {

    public RuleDefinition {
        Objects.requireNonNull(alert, "alert");
        Objects.requireNonNull(expr, "expr");
        pendingFor = pendingFor == null ? Duration.ZERO : pendingFor;
        keepFiringFor = keepFiringFor == null ? Duration.ZERO : keepFiringFor;
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
        if (!alert.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("alert name '" + alert + "' is not a valid Prometheus label value for alertname");
        }
        severity(labels, alert);
        for (String required : new String[] {"summary", "description", "runbook_url"}) {
            if (!annotations.containsKey(required)) {
                throw new IllegalArgumentException("rule " + alert + " has no annotation " + required);
            }
        }
    }

    public Alert.Severity severity() {
        return severity(labels, alert);
    }

    private static Alert.Severity severity(Map<String, String> labels, String alert) {
        String severity = labels.get("severity");
        return switch (severity == null ? "" : severity) {
            case "critical" -> Alert.Severity.CRITICAL;
            case "warning" -> Alert.Severity.WARNING;
            case "info" -> Alert.Severity.INFO;
            default -> throw new IllegalArgumentException("rule " + alert
                    + " needs label severity: critical, warning or info (has " + severity + ")");
        };
    }
}
