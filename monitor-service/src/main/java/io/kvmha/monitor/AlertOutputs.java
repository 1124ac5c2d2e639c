package io.kvmha.monitor;

import io.kvmha.monitor.alertmanager.AlertmanagerOutput;
import io.kvmha.monitor.core.AlertSink;
import io.kvmha.monitor.core.AlertTransition;
import io.kvmha.monitor.kafka.KafkaAlertSink;
import org.springframework.context.annotation.Primary;
import org.springframework.stereotype.Component;

/**
 * Where alert transitions go: first {@code kvmha.alerts} (waiting for the broker's ack, so a failed
 * publish leaves the tracker's state untouched and is retried), then every Alertmanager (queued; its
 * own retries and re-sends make it reliable without holding up the tracker).
 */
@Primary
@Component
class AlertOutputs implements AlertSink {

    private final KafkaAlertSink kafka;
    private final AlertmanagerOutput alertmanager;

    AlertOutputs(KafkaAlertSink kafka, AlertmanagerOutput alertmanager) {
        this.kafka = kafka;
        this.alertmanager = alertmanager;
    }

    @Override
    public void accept(AlertTransition transition) {
        kafka.accept(transition);
        if (transition.isVisible()) {
            alertmanager.offer(KafkaAlertSink.toEvent(transition.alert()));
        }
    }
}
