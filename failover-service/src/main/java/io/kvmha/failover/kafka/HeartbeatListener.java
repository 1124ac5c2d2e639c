package io.kvmha.failover.kafka;

import io.kvmha.contracts.event.HostHeartbeat;
import io.kvmha.contracts.topic.Topic;
import io.kvmha.failover.core.FailoverEngine;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.AbstractConsumerSeekAware;
import org.springframework.stereotype.Component;

/**
 * Heartbeats feed the failure detector. Only live ones matter: on every assignment the consumer skips
 * to the end of the topic, so a restart (or a rebalance) never replays old heartbeats that could make a
 * dead host look alive; the engine also drops heartbeats sent longer than down-after ago.
 */
@Component
public class HeartbeatListener extends AbstractConsumerSeekAware {

    public static final String ID = "failover-heartbeats";

    private final FailoverEngine engine;
    private final DecisionPublisher decisions;

    public HeartbeatListener(FailoverEngine engine, DecisionPublisher decisions) {
        this.engine = engine;
        this.decisions = decisions;
    }

    @Override
    public void onPartitionsAssigned(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
        super.onPartitionsAssigned(assignments, callback);
        callback.seekToEnd(assignments.keySet());
    }

    @KafkaListener(id = ID, idIsGroup = false, topics = Topic.Names.HOST_HEARTBEATS)
    public void on(HostHeartbeat heartbeat) {
        decisions.decide(() -> engine.onHeartbeat(heartbeat));
    }
}
