package io.kvmha.monitor.web;

import io.kvmha.contracts.event.Alert;
import io.kvmha.monitor.core.AlertInstance;
import io.kvmha.monitor.core.AlertState;
import io.kvmha.monitor.core.AlertTracker;
import java.net.URI;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The alerts this instance holds now (pending and firing), for the {@code kvmha alerts} command. Each
 * monitor instance owns the alerts of its Kafka partitions, so with several instances ask each one (or
 * Alertmanager, which receives all of them).
 */
@RestController
@RequestMapping("/api/v1/alerts")
public class AlertController {

    /** One active alert: its identity, where it is in its life, and what Alertmanager is told about it. */
    public record AlertView(String name, String fingerprint, AlertState state, Alert.Severity severity,
                            Map<String, String> labels, Map<String, String> annotations, Instant startsAt) {

        static AlertView of(AlertInstance alert) {
            return new AlertView(alert.name(), alert.fingerprint(), alert.state(), alert.severity(), alert.labels(),
                    alert.annotations(), alert.startsAt());
        }
    }

    private final AlertTracker tracker;

    public AlertController(AlertTracker tracker) {
        this.tracker = tracker;
    }

    /**
     * Active alerts, firing before pending, most severe first, oldest first.
     *
     * @param severity only alerts of this severity (critical, warning or info; any case)
     */
    @GetMapping
    public List<AlertView> active(@RequestParam(required = false) String severity) {
        Alert.Severity only = severity == null || severity.isBlank() ? null : parse(severity);
        return tracker.active().stream()
                .filter(alert -> only == null || alert.severity() == only)
                .sorted(Comparator.comparing((AlertInstance a) -> a.state() == AlertState.FIRING ? 0 : 1)
                        .thenComparing(AlertInstance::severity)
                        .thenComparing(AlertInstance::startsAt)
                        .thenComparing(AlertInstance::fingerprint))
                .map(AlertView::of)
                .toList();
    }

    private static Alert.Severity parse(String severity) {
        try {
            return Alert.Severity.valueOf(severity.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UnknownSeverity(severity);
        }
    }

    @ExceptionHandler(UnknownSeverity.class)
    ProblemDetail unknownSeverity(UnknownSeverity e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "severity '" + e.severity
                + "' is not one of " + Arrays.stream(Alert.Severity.values()).map(s -> s.name().toLowerCase(Locale.ROOT)).toList());
        problem.setTitle("Unknown severity");
        problem.setType(URI.create("urn:kvmha:problem:unknown-severity"));
        problem.setProperty("severity", e.severity);
        return problem;
    }

    static final class UnknownSeverity extends RuntimeException {
        final String severity;

        UnknownSeverity(String severity) {
            super("unknown severity " + severity);
            this.severity = severity;
        }
    }
}
