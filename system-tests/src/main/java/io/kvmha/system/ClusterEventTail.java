package io.kvmha.system;

import io.kvmha.contracts.codec.CloudEventCodec;
import io.kvmha.contracts.event.KvmHaEvent;
import io.kvmha.contracts.kafka.EventDeserializer;
import io.kvmha.contracts.topic.Topic;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads chosen topics of a running cluster from the beginning and keeps every event, with the time it
 * was seen: what the system tests assert on and what the local cluster prints as a timeline.
 */
public final class ClusterEventTail implements AutoCloseable {

    /** An event and the instant this tail received it. */
    public record Seen(Instant at, KvmHaEvent event) {
    }

    private final KafkaConsumer<String, KvmHaEvent> consumer;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private final Consumer<Seen> listener;
    private volatile boolean running = true;

    public ClusterEventTail(String bootstrapServers, List<Topic> topics, Consumer<Seen> listener) {
        this.listener = listener;
        EventDeserializer values = new EventDeserializer(new CloudEventCodec(URI.create("/kvmha/tail")));
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "event-tail-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), values);
        consumer.subscribe(topics.stream().map(Topic::topicName).toList());
        this.thread = new Thread(this::poll, "cluster-event-tail");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void poll() {
        try {
            while (running) {
                for (ConsumerRecord<String, KvmHaEvent> record : consumer.poll(Duration.ofMillis(100))) {
                    if (record.value() != null) {
                        Seen s = new Seen(Instant.now(), record.value());
                        seen.add(s);
                        listener.accept(s);
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(1));
        }
    }

    public List<Seen> seen() {
        return List.copyOf(seen);
    }

    public <T extends KvmHaEvent> List<T> events(Class<T> type) {
        return seen.stream().map(Seen::event).filter(type::isInstance).map(type::cast).toList();
    }

    public <T extends KvmHaEvent> boolean any(Class<T> type, Predicate<T> condition) {
        return events(type).stream().anyMatch(condition);
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
