package io.kvmha.scheduler.kafka;

import io.kvmha.contracts.event.HostInventory;
import io.kvmha.contracts.spring.ReplayFromStart;
import io.kvmha.contracts.topic.Topic;
import io.kvmha.scheduler.core.ClusterView;
import io.kvmha.scheduler.core.Units;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.Payload;
import org.springframework.stereotype.Component;

/** Known hosts and their capacity, from the compacted inventory topic; a tombstone removes a host. */
@Component
public class HostInventoryListener extends ReplayFromStart {

    private static final Logger log = LoggerFactory.getLogger(HostInventoryListener.class);

    private final ClusterView view;
    private final ViewProgress progress;

    public HostInventoryListener(ClusterView view, ViewProgress progress) {
        this.view = view;
        this.progress = progress;
    }

    @KafkaListener(id = ListenerIds.HOST_INVENTORY, topics = Topic.Names.HOST_INVENTORY,
            groupId = "#{@viewConsumerGroup.id()}")
    void on(@Payload(required = false) HostInventory inventory, @Header(KafkaHeaders.RECEIVED_KEY) String hostId,
            @Header(KafkaHeaders.RECEIVED_TOPIC) String topic, @Header(KafkaHeaders.RECEIVED_PARTITION) int partition,
            @Header(KafkaHeaders.OFFSET) long offset) {
        try {
            apply(inventory, hostId);
        } finally {
            progress.applied(topic, partition, offset);
        }
    }

    private void apply(HostInventory inventory, String hostId) {
        if (inventory == null) {
            view.removeHost(hostId);
            log.info("host={} removed (inventory tombstone)", hostId);
            return;
        }
        view.applyInventory(inventory);
        log.info("host={} inventory cpus={} memoryMib={} simulated={}", inventory.hostId(), inventory.cpus(),
                Units.bytesToMib(inventory.memoryBytes()), inventory.simulated());
    }
}
