package io.kvmha.monitor;

import io.kvmha.contracts.codec.CloudEventCodec;
import io.kvmha.contracts.event.Alert;
import io.kvmha.contracts.event.KvmHaEvent;
import io.kvmha.contracts.kafka.EventDeserializer;
import io.kvmha.contracts.topic.Topic;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads kvmha.alerts from the beginning, as an on-call tool would. */
public final class AlertsTopic implements AutoCloseable {

    private final KafkaConsumer<String, KvmHaEvent> consumer;
    private final List<Alert> seen = new ArrayList<>();

    public AlertsTopic(String bootstrapServers) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "alerts-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new EventDeserializer(new CloudEventCodec(URI.create("/kvmha/test"))));
        consumer.subscribe(List.of(Topic.Names.ALERTS));
    }

    /** Waits for an alert matching the predicate and returns the first one. */
    public Alert await(Predicate<Alert> matching, Duration timeout) {
        Instant end = Instant.now().plus(timeout);
        while (Instant.now().isBefore(end)) {
            var found = seen.stream().filter(matching).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            consumer.poll(Duration.ofMillis(200)).forEach(r -> seen.add((Alert) r.value()));
        }
        throw new AssertionError("no matching alert on " + Topic.Names.ALERTS + " within " + timeout + "; saw " + seen);
    }

    /** Every alert read so far. */
    public List<Alert> seen() {
        return List.copyOf(seen);
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
    }
}
