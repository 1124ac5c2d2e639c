package io.kvmha.simulation.fleet;

import io.kvmha.contracts.codec.CloudEventCodec;
import io.kvmha.contracts.event.KvmHaEvent;
import io.kvmha.contracts.kafka.EventSerializer;
import io.kvmha.contracts.topic.Topic;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The fleet's two producers, shared by every simulated host: one tuned like a real agent's heartbeat
 * producer (leader ack only, no linger, no retries, 1 s timeouts) and one with Kafka's defaults (acks=all,
 * idempotent), which is what a real agent's Spring {@code KafkaTemplate} uses for everything else. Records
 * are exactly what a real agent sends: CloudEvents in binary mode from the contracts' serializer, the
 * catalogue's topic, the event's key, and the agent's production source {@code /kvmha/host-agent}.
 */
public final class FleetProducers implements AutoCloseable {

    /** A real agent's {@code kvmha.kafka.source} (host-agent.yml). */
    public static final URI AGENT_SOURCE = URI.create("/kvmha/host-agent");

    private final Producer<String, KvmHaEvent> heartbeats;
    private final Producer<String, KvmHaEvent> events;

    public FleetProducers(String bootstrapServers) {
        CloudEventCodec codec = new CloudEventCodec(AGENT_SOURCE);
        Map<String, Object> base = new HashMap<>();
        base.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        Map<String, Object> beat = new HashMap<>(base);
        beat.put(ProducerConfig.CLIENT_ID_CONFIG, "kvmha-sim-heartbeats");
        beat.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        beat.put(ProducerConfig.ACKS_CONFIG, "1");
        beat.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        beat.put(ProducerConfig.RETRIES_CONFIG, 0);
        beat.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 1000);
        beat.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 1000);
        beat.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1000);
        Map<String, Object> other = new HashMap<>(base);
        other.put(ProducerConfig.CLIENT_ID_CONFIG, "kvmha-sim-events");
        this.heartbeats = new KafkaProducer<>(beat, new StringSerializer(), new EventSerializer(codec));
        this.events = new KafkaProducer<>(other, new StringSerializer(), new EventSerializer(codec));
    }

    public Future<RecordMetadata> heartbeat(KvmHaEvent heartbeat, Callback callback) {
        return heartbeats.send(record(heartbeat), callback);
    }

    public Future<RecordMetadata> publish(KvmHaEvent event) {
        return events.send(record(event));
    }

    private static ProducerRecord<String, KvmHaEvent> record(KvmHaEvent event) {
        return new ProducerRecord<>(Topic.forEvent(event.getClass()).topicName(), event.key(), event);
    }

    @Override
    public void close() {
        heartbeats.close(java.time.Duration.ofSeconds(2));
        events.close(java.time.Duration.ofSeconds(5));
    }
}
