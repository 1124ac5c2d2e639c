package io.kvmha.failover.kafka;

import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.spring.ReplayFromStart;
import io.kvmha.contracts.topic.Topic;
import io.kvmha.failover.core.FailoverEngine;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.Payload;
import org.springframework.stereotype.Component;

/**
 * Which VM is on which host, rebuilt from the compacted placements topic; it lists an incident's VMs. The
 * scheduler's move placements (drains, migrations) arriving live start live migrations.
 */
@Component
public class PlacementListener extends ReplayFromStart {

    public static final String ID = "failover-placements";

    private final FailoverEngine engine;
    private final DecisionPublisher decisions;

    public PlacementListener(FailoverEngine engine, DecisionPublisher decisions) {
        this.engine = engine;
        this.decisions = decisions;
    }

    @KafkaListener(id = ID, idIsGroup = false, topics = Topic.Names.PLACEMENTS)
    public void on(@Payload(required = false) Placement placement, @Header(KafkaHeaders.RECEIVED_KEY) String vmId) {
        decisions.decide(() -> engine.onPlacement(placement == null ? vmId : placement.vmId(), placement));
    }
}
