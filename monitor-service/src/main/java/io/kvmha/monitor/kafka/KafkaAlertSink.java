package io.kvmha.monitor.kafka;

import io.kvmha.contracts.event.Alert;
import io.kvmha.contracts.spring.EventPublisher;
import io.kvmha.monitor.MonitorProperties;
import io.kvmha.monitor.core.AlertInstance;
import io.kvmha.monitor.core.AlertSink;
import io.kvmha.monitor.core.AlertState;
import io.kvmha.monitor.core.AlertTransition;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Publishes visible alert transitions to {@code kvmha.alerts} and waits for the broker's ack, so the
 * tracker commits a transition only once it is really out (see {@link AlertSink}).
 */
@Component
public class KafkaAlertSink implements AlertSink {

    private static final Logger log = LoggerFactory.getLogger(KafkaAlertSink.class);

    private final EventPublisher publisher;
    private final MeterRegistry meters;
    private final Duration timeout;

    public KafkaAlertSink(EventPublisher publisher, MeterRegistry meters, MonitorProperties properties,
                          List<io.kvmha.monitor.core.EventRule> eventRules,
                          io.kvmha.monitor.core.rules.RuleEngine engine) {
        List<io.kvmha.monitor.core.AlertRule> rules = new java.util.ArrayList<>(eventRules);
        rules.addAll(engine.rules());
        this.publisher = publisher;
        this.meters = meters;
        this.timeout = properties.publishTimeout();
        // Register every series up front so dashboards see zeros rather than gaps.
        rules.forEach(rule -> {
            published(rule.alertName(), Alert.Status.FIRING);
            published(rule.alertName(), Alert.Status.RESOLVED);
        });
    }

    @Override
    public void accept(AlertTransition transition) {
        if (!transition.isVisible()) {
            log.debug("alert={} fingerprint={} pending", transition.alert().name(), transition.alert().fingerprint());
            return;
        }
        Alert alert = toEvent(transition.alert());
        send(alert);
        published(alert.name(), alert.status()).increment();
        log.info("alert={} status={} host={} fingerprint={} severity={} startsAt={} endsAt={}", alert.name(),
                alert.status(), transition.alert().host(), alert.fingerprint(), alert.severity(), alert.startsAt(),
                alert.endsAt());
    }

    public static Alert toEvent(AlertInstance alert) {
        Alert.Status status = alert.state() == AlertState.RESOLVED ? Alert.Status.RESOLVED : Alert.Status.FIRING;
        return new Alert(alert.fingerprint(), alert.name(), status, alert.severity(), alert.labels(),
                alert.annotations(), alert.startsAt(), alert.endsAt());
    }

    private void send(Alert alert) {
        try {
            publisher.publish(alert).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing alert " + alert.fingerprint(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not publish alert " + alert.name() + " fingerprint="
                    + alert.fingerprint() + " status=" + alert.status(), e);
        }
    }

    private Counter published(String alertName, Alert.Status status) {
        return Counter.builder("kvmha.alerts.published")
                .description("Alert transitions published to kvmha.alerts")
                .tag("alertname", alertName)
                .tag("status", status.name().toLowerCase(Locale.ROOT))
                .register(meters);
    }
}
