package io.kvmha.monitor.kafka;

import io.kvmha.contracts.event.CommandResult;
import io.kvmha.contracts.event.HostHeartbeat;
import io.kvmha.contracts.event.MetricSampleBatch;
import io.kvmha.contracts.event.VmLifecycleEvent;
import io.kvmha.contracts.topic.Topic;
import io.kvmha.monitor.core.VmStateCounts;
import io.kvmha.monitor.core.rules.RuleEngine;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Feeds the streams with a short memory (heartbeats, metric samples, VM events, command results) to
 * the rule engine. Not replayed: the group's committed offsets resume where the last run stopped, and
 * only recent samples matter to the rules. Heartbeats and metrics, the two streams that grow with the
 * cluster, have {@code kvmha.monitor.stream-consumers} consumers each (a host's records stay on one
 * partition, so in order) and fetch per {@code kvmha.monitor.stream-fetch} ({@link StreamConsumerSettings});
 * ingestion never waits for a rule evaluation (see {@link RuleEngine}).
 */
@Component
public class EventStreamListener {

    public static final String HEARTBEATS = "monitor-heartbeats";
    public static final String METRICS = "monitor-metrics";
    public static final String VM_EVENTS = "monitor-vm-events";
    public static final String COMMAND_RESULTS = "monitor-command-results";

    private final RuleEngine engine;
    private final VmStateCounts vms;

    public EventStreamListener(RuleEngine engine, VmStateCounts vms) {
        this.engine = engine;
        this.vms = vms;
    }

    @KafkaListener(id = HEARTBEATS, topics = Topic.Names.HOST_HEARTBEATS, idIsGroup = false,
            concurrency = "${kvmha.monitor.stream-consumers:2}", containerPostProcessor = StreamConsumerSettings.BEAN)
    void on(HostHeartbeat heartbeat) {
        engine.ingest(heartbeat);
        vms.heartbeat(heartbeat);
    }

    @KafkaListener(id = METRICS, topics = Topic.Names.METRICS, idIsGroup = false,
            concurrency = "${kvmha.monitor.stream-consumers:2}", containerPostProcessor = StreamConsumerSettings.BEAN)
    void on(MetricSampleBatch batch) {
        engine.ingest(batch);
    }

    @KafkaListener(id = VM_EVENTS, topics = Topic.Names.VM_EVENTS, idIsGroup = false)
    void on(VmLifecycleEvent event) {
        engine.ingest(event);
    }

    @KafkaListener(id = COMMAND_RESULTS, topics = Topic.Names.COMMAND_RESULTS, idIsGroup = false)
    void on(CommandResult result) {
        engine.ingest(result);
    }
}
