package io.kvmha.monitor.kafka;

import io.kvmha.contracts.event.RecoveryRecord;
import io.kvmha.contracts.spring.ReplayFromStart;
import io.kvmha.contracts.topic.Topic;
import io.kvmha.monitor.core.IncidentStatusCounts;
import io.kvmha.monitor.core.rules.RuleEngine;
import java.util.Collection;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.stereotype.Component;

/**
 * Counts incidents by their latest status from {@code kvmha.recoveries}. Replays the topic from the
 * start on every assignment so the gauge is right after a restart; the topic holds a few records per
 * incident, so the replay stays small.
 */
@Component
public class RecoveryListener extends ReplayFromStart {

    public static final String ID = "monitor-recoveries";
    private static final Logger log = LoggerFactory.getLogger(RecoveryListener.class);

    private final IncidentStatusCounts incidents;
    private final PartitionKeys owned = new PartitionKeys(Topic.Names.RECOVERIES);

    private final RuleEngine engine;

    private final io.kvmha.monitor.metrics.VmRecoveryHistogram recoveryTimes;

    public RecoveryListener(IncidentStatusCounts incidents, RuleEngine engine,
                            io.kvmha.monitor.metrics.VmRecoveryHistogram recoveryTimes) {
        this.recoveryTimes = recoveryTimes;
        this.incidents = incidents;
        this.engine = engine;
    }

    @KafkaListener(id = ID, topics = Topic.Names.RECOVERIES, idIsGroup = false)
    void on(RecoveryRecord record, @Header(KafkaHeaders.RECEIVED_PARTITION) int partition) {
        owned.seen(partition, record.incidentId());
        incidents.apply(record);
        engine.ingest(record);
        recoveryTimes.record(record);
        log.debug("incident={} host={} status={}", record.incidentId(), record.hostId(), record.status());
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        super.onPartitionsRevoked(partitions);
        Set<String> released = owned.release(partitions);
        if (!released.isEmpty()) {
            incidents.forget(released);
            log.info("released incidents={} after partition revocation", released.size());
        }
    }
}
