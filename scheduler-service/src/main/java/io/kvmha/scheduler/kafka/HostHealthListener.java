package io.kvmha.scheduler.kafka;

import io.kvmha.contracts.event.HostHealthChange;
import io.kvmha.contracts.spring.ReplayFromStart;
import io.kvmha.contracts.topic.Topic;
import io.kvmha.scheduler.core.ClusterView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.Payload;
import org.springframework.stereotype.Component;

/** The latest health of every host; a host never judged, or whose judgement was deleted, is ONLINE. */
@Component
public class HostHealthListener extends ReplayFromStart {

    private static final Logger log = LoggerFactory.getLogger(HostHealthListener.class);

    private final ClusterView view;
    private final ViewProgress progress;

    public HostHealthListener(ClusterView view, ViewProgress progress) {
        this.view = view;
        this.progress = progress;
    }

    @KafkaListener(id = ListenerIds.HOST_HEALTH, topics = Topic.Names.HOST_HEALTH,
            groupId = "#{@viewConsumerGroup.id()}")
    void on(@Payload(required = false) HostHealthChange change, @Header(KafkaHeaders.RECEIVED_KEY) String hostId,
            @Header(KafkaHeaders.RECEIVED_TOPIC) String topic, @Header(KafkaHeaders.RECEIVED_PARTITION) int partition,
            @Header(KafkaHeaders.OFFSET) long offset) {
        try {
            apply(change, hostId);
        } finally {
            progress.applied(topic, partition, offset);
        }
    }

    private void apply(HostHealthChange change, String hostId) {
        if (change == null) {
            view.clearHealth(hostId);
            log.info("host={} health cleared (tombstone), counts as ONLINE", hostId);
            return;
        }
        view.applyHealth(change);
        log.info("host={} health {}->{} incident={}", change.hostId(), change.previous(), change.current(),
                change.incidentId());
    }
}
