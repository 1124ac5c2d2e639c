package io.kvmha.simulation.plane;

import io.kvmha.contracts.codec.CloudEventCodec;
import io.kvmha.contracts.event.Alert;
import io.kvmha.contracts.event.HostHealthChange;
import io.kvmha.contracts.event.KvmHaEvent;
import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.RecoveryRecord;
import io.kvmha.contracts.kafka.EventDeserializer;
import io.kvmha.contracts.topic.Topic;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the control plane decided, read off the wire: placements (with their record timestamps, for decision
 * latency), recovery records, host health transitions and alerts. Reads every partition from the end as of its
 * start, without a consumer group.
 */
public final class ClusterObserver implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClusterObserver.class);
    private static final List<Topic> TOPICS = List.of(Topic.PLACEMENTS, Topic.RECOVERIES, Topic.HOST_HEALTH, Topic.ALERTS);

    /** A placement and the time its record was written (the scheduler's producer clock). */
    public record ObservedPlacement(Placement placement, Instant recordTime) {
    }

    private final KafkaConsumer<String, KvmHaEvent> consumer;
    private final Thread thread;
    private final Map<String, ObservedPlacement> placements = new ConcurrentHashMap<>();
    private final Map<String, RecoveryRecord> recoveries = new ConcurrentHashMap<>();
    private final List<HostHealthChange> health = new CopyOnWriteArrayList<>();
    private final List<Alert> alerts = new CopyOnWriteArrayList<>();
    private volatile boolean running = true;

    public ClusterObserver(String bootstrapServers) {
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG, "kvmha-simulation-observer",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000),
                new StringDeserializer(), new EventDeserializer(new CloudEventCodec(URI.create("/kvmha/simulation"))));
        List<TopicPartition> partitions = new ArrayList<>();
        for (Topic topic : TOPICS) {
            for (int p = 0; p < topic.partitions(); p++) {
                partitions.add(new TopicPartition(topic.topicName(), p));
            }
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolve the end offsets now, before anything is measured
        this.thread = new Thread(this::run, "simulation-observer");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                try {
                    for (ConsumerRecord<String, KvmHaEvent> record : consumer.poll(Duration.ofMillis(100))) {
                        accept(record);
                    }
                } catch (RecordDeserializationException e) {
                    consumer.seek(e.topicPartition(), e.offset() + 1);
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(1));
        }
    }

    private void accept(ConsumerRecord<String, KvmHaEvent> record) {
        KvmHaEvent event = record.value();
        if (event instanceof Placement p) {
            placements.merge(p.vmId(), new ObservedPlacement(p, Instant.ofEpochMilli(record.timestamp())),
                    (old, now) -> now.placement().generation() >= old.placement().generation() ? now : old);
        } else if (event instanceof RecoveryRecord r) {
            recoveries.merge(r.incidentId(), r, (old, now) -> now.updatedAt().isBefore(old.updatedAt()) ? old : now);
        } else if (event instanceof HostHealthChange h) {
            health.add(h);
        } else if (event instanceof Alert a) {
            alerts.add(a);
        }
    }

    public Optional<ObservedPlacement> placement(String vmId) {
        return Optional.ofNullable(placements.get(vmId));
    }

    /** The latest record of every incident of {@code hostId}. */
    public List<RecoveryRecord> recoveriesOf(String hostId) {
        return recoveries.values().stream().filter(r -> r.hostId().equals(hostId)).toList();
    }

    public List<RecoveryRecord> recoveries() {
        return List.copyOf(recoveries.values());
    }

    public List<HostHealthChange> healthChanges() {
        return List.copyOf(health);
    }

    public List<Alert> alerts() {
        return List.copyOf(alerts);
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
