package io.kvmha.scheduler.kafka;

import io.kvmha.contracts.codec.CloudEventCodec;
import io.kvmha.contracts.event.KvmHaEvent;
import io.kvmha.contracts.kafka.EventDeserializer;
import io.kvmha.contracts.topic.Topic;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;

/** Test reader of what services published: every event on some topics, from their beginning. */
final class EventLog implements AutoCloseable {

    private final KafkaConsumer<String, KvmHaEvent> consumer;
    private final List<KvmHaEvent> seen = new CopyOnWriteArrayList<>();
    private final Map<KvmHaEvent, Long> timestamps = new ConcurrentHashMap<>();

    EventLog(String bootstrapServers, Topic... topics) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "event-log-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new EventDeserializer(new CloudEventCodec(URI.create("/kvmha/test"))));
        consumer.subscribe(Arrays.stream(topics).map(Topic::topicName).toList());
    }

    /** Polls until an event of {@code type} matching {@code condition} was published, and returns it. */
    <T extends KvmHaEvent> T await(Class<T> type, Predicate<T> condition) {
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
            poll(100);
            return find(type, condition) != null;
        });
        return find(type, condition);
    }

    /** Everything of {@code type} seen so far (poll with {@link #await} first). */
    <T extends KvmHaEvent> List<T> all(Class<T> type) {
        poll(200);
        return seen.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** The record timestamp (the producer's send time) of an event seen. */
    long timestamp(KvmHaEvent event) {
        return timestamps.get(event);
    }

    private void poll(long millis) {
        consumer.poll(Duration.ofMillis(millis)).forEach(r -> {
            if (r.value() != null) {
                seen.add(r.value());
                timestamps.put(r.value(), r.timestamp());
            }
        });
    }

    private <T extends KvmHaEvent> T find(Class<T> type, Predicate<T> condition) {
        return seen.stream().filter(type::isInstance).map(type::cast).filter(condition).findFirst().orElse(null);
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
    }
}
