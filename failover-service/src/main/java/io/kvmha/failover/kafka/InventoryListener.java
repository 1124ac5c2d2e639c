package io.kvmha.failover.kafka;

import io.kvmha.contracts.event.HostInventory;
import io.kvmha.contracts.spring.ReplayFromStart;
import io.kvmha.contracts.topic.Topic;
import io.kvmha.failover.core.FailoverEngine;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.Payload;
import org.springframework.stereotype.Component;

/** The known hosts, rebuilt from the compacted inventory topic; a tombstone removes a host. */
@Component
public class InventoryListener extends ReplayFromStart {

    public static final String ID = "failover-inventory";

    private final FailoverEngine engine;

    public InventoryListener(FailoverEngine engine) {
        this.engine = engine;
    }

    @KafkaListener(id = ID, idIsGroup = false, topics = Topic.Names.HOST_INVENTORY)
    public void on(@Payload(required = false) HostInventory inventory, @Header(KafkaHeaders.RECEIVED_KEY) String hostId) {
        if (inventory == null) {
            engine.onInventory(hostId, false);
        } else {
            engine.onInventory(inventory);
        }
    }
}
