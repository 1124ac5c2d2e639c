package io.kvmha.monitor.kafka;

import io.kvmha.contracts.event.HostHealthChange;
import io.kvmha.contracts.spring.ReplayFromStart;
import io.kvmha.contracts.topic.Topic;
import io.kvmha.monitor.core.AlertSink;
import io.kvmha.monitor.core.AlertTracker;
import io.kvmha.monitor.core.HostStateCounts;
import io.kvmha.monitor.core.rules.RuleEngine;
import java.util.Collection;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.Payload;
import org.springframework.stereotype.Component;

/**
 * Feeds {@code kvmha.host.health} (compacted, latest state per host) to the host counts and the alert
 * rules. It replays the topic from the start on every assignment, so after a restart an alert that is
 * still firing is published again with the same fingerprint and {@code startsAt}: a re-send in the
 * Alertmanager sense, not a new alert.
 */
@Component
public class HostHealthListener extends ReplayFromStart {

    public static final String ID = "monitor-host-health";
    private static final Logger log = LoggerFactory.getLogger(HostHealthListener.class);

    private final HostStateCounts hosts;
    private final AlertTracker alerts;
    private final AlertSink sink;
    private final PartitionKeys owned = new PartitionKeys(Topic.Names.HOST_HEALTH);

    private final RuleEngine engine;

    public HostHealthListener(HostStateCounts hosts, AlertTracker alerts, AlertSink sink, RuleEngine engine) {
        this.engine = engine;
        this.hosts = hosts;
        this.alerts = alerts;
        this.sink = sink;
    }

    @KafkaListener(id = ID, topics = Topic.Names.HOST_HEALTH, idIsGroup = false)
    void on(@Payload(required = false) HostHealthChange change,
            @Header(KafkaHeaders.RECEIVED_KEY) String hostId,
            @Header(KafkaHeaders.RECEIVED_PARTITION) int partition) {
        owned.seen(partition, hostId);
        if (change == null) {
            // A tombstone: the host left the cluster, so nothing about it should stay firing.
            hosts.remove(hostId);
            engine.hostRemoved(hostId);
            alerts.resolveWhere(labels -> hostId.equals(labels.get("host")), sink);
            log.info("host={} removed from host.health (tombstone)", hostId);
            return;
        }
        hosts.apply(change);
        engine.ingest(change);
        alerts.observe(change, sink);
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        super.onPartitionsRevoked(partitions);
        Set<String> released = owned.release(partitions);
        if (!released.isEmpty()) {
            // The new owner replays these hosts and takes over their alerts; resolving them here would be wrong.
            hosts.forget(released);
            // Cluster-wide alerts (the Watchdog) have no host label and stay; immutable sets refuse contains(null).
            int dropped = alerts.forgetWhere(labels -> labels.get("host") != null && released.contains(labels.get("host")));
            log.info("released hosts={} alerts={} after partition revocation", released, dropped);
        }
    }
}
