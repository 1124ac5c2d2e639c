package io.kvmha.scheduler.kafka;

import io.kvmha.contracts.event.Placement;
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

/**
 * The placement ledger. This instance's own decisions are already in the view when their echo arrives;
 * the view keeps the newest generation, so the echo (or a replay) changes nothing.
 */
@Component
public class PlacementListener extends ReplayFromStart {

    private static final Logger log = LoggerFactory.getLogger(PlacementListener.class);

    private final ClusterView view;
    private final ViewProgress progress;

    public PlacementListener(ClusterView view, ViewProgress progress) {
        this.view = view;
        this.progress = progress;
    }

    @KafkaListener(id = ListenerIds.PLACEMENTS, topics = Topic.Names.PLACEMENTS, groupId = "#{@viewConsumerGroup.id()}")
    void on(@Payload(required = false) Placement placement, @Header(KafkaHeaders.RECEIVED_KEY) String vmId,
            @Header(KafkaHeaders.RECEIVED_TOPIC) String topic, @Header(KafkaHeaders.RECEIVED_PARTITION) int partition,
            @Header(KafkaHeaders.OFFSET) long offset) {
        try {
            apply(placement, vmId);
        } finally {
            progress.applied(topic, partition, offset);
        }
    }

    private void apply(Placement placement, String vmId) {
        if (placement == null) {
            view.removePlacement(vmId);
            log.info("vm={} placement removed (tombstone)", vmId);
            return;
        }
        if (view.applyPlacement(placement)) {
            log.debug("vm={} placed host={} generation={}", placement.vmId(), placement.hostId(), placement.generation());
        }
    }
}
