package io.kvmha.contracts.testing;

import io.kvmha.contracts.codec.CloudEventCodec;
import io.kvmha.contracts.event.EventTypes;
import io.kvmha.contracts.event.KvmHaEvent;
import io.kvmha.contracts.kafka.DeadLetterHeaders;
import io.kvmha.contracts.kafka.EventSerializer;
import io.kvmha.contracts.topic.Topic;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Test fixture for the "nothing is lost" rule: writes malformed records straight to a topic and
 * reads what arrived on its dead-letter twin. Every service's dead-letter test uses it.
 */
public final class DeadLetterProbe implements AutoCloseable {

    /** The kinds of unreadable record a consumer must survive. */
    public enum Malformed {
        /** Valid CloudEvents headers, data that is not JSON. */
        BAD_JSON,
        /** No CloudEvents headers at all. */
        NO_HEADERS,
        /** A CloudEvents type nobody knows. */
        UNKNOWN_TYPE,
        /** A known type at a version this reader does not know. */
        UNSUPPORTED_VERSION,
        /** Valid JSON missing a required field. */
        MISSING_FIELD
    }

    private final String bootstrapServers;
    private final KafkaProducer<String, byte[]> producer;
    private final EventSerializer events = new EventSerializer(new CloudEventCodec(URI.create("/kvmha/test")));

    public DeadLetterProbe(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.LINGER_MS_CONFIG, 0), new StringSerializer(), new ByteArraySerializer());
    }

    /** Sends one malformed record to {@code topic} and returns the bytes sent. */
    public byte[] sendMalformed(Topic topic, String key, Malformed kind) {
        String ceType = EventTypes.of(topic.eventType()).ceType();
        RecordHeaders headers = new RecordHeaders();
        byte[] value;
        switch (kind) {
            case BAD_JSON -> {
                cloudEventHeaders(headers, ceType);
                value = "{not json".getBytes(StandardCharsets.UTF_8);
            }
            case NO_HEADERS -> value = "{}".getBytes(StandardCharsets.UTF_8);
            case UNKNOWN_TYPE -> {
                cloudEventHeaders(headers, "io.kvmha.no.such.event.v1");
                value = "{}".getBytes(StandardCharsets.UTF_8);
            }
            case UNSUPPORTED_VERSION -> {
                cloudEventHeaders(headers, ceType.replaceFirst("\\.v\\d+$", ".v99"));
                value = "{}".getBytes(StandardCharsets.UTF_8);
            }
            case MISSING_FIELD -> {
                cloudEventHeaders(headers, ceType);
                value = "{}".getBytes(StandardCharsets.UTF_8);
            }
            default -> throw new IllegalArgumentException(kind.name());
        }
        send(new ProducerRecord<>(topic.topicName(), null, key, value, headers));
        return value;
    }

    /** Sends a well-formed event to its catalogue topic. */
    public void sendEvent(KvmHaEvent event) {
        Topic topic = Topic.forEvent(event.getClass());
        RecordHeaders headers = new RecordHeaders();
        byte[] value = events.serialize(topic.topicName(), headers, event);
        send(new ProducerRecord<>(topic.topicName(), null, event.key(), value, headers));
    }

    /** Waits until {@code count} records are on the topic's dead-letter twin, and returns them. */
    public List<ConsumerRecord<String, byte[]>> awaitDeadLetters(Topic topic, int count, Duration timeout) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "dlt-probe-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic.deadLetterTopicName()));
            List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
            Instant end = Instant.now().plus(timeout);
            while (found.size() < count && Instant.now().isBefore(end)) {
                consumer.poll(Duration.ofMillis(200)).forEach(found::add);
            }
            if (found.size() < count) {
                throw new AssertionError("expected " + count + " dead letters on " + topic.deadLetterTopicName()
                        + " within " + timeout + ", found " + found.size());
            }
            return found;
        }
    }

    /** The value of a header as text, or null. */
    public static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** The kvm-ha reason code of a dead letter, such as {@code bad-json}. */
    public static String reason(ConsumerRecord<?, ?> record) {
        return header(record, DeadLetterHeaders.REASON);
    }

    private static void cloudEventHeaders(RecordHeaders headers, String ceType) {
        headers.add("ce_specversion", bytes("1.0"));
        headers.add("ce_id", bytes(UUID.randomUUID().toString()));
        headers.add("ce_source", bytes("/kvmha/test"));
        headers.add("ce_type", bytes(ceType));
        headers.add("content-type", bytes("application/json"));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void send(ProducerRecord<String, byte[]> record) {
        try {
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not send test record to " + record.topic(), e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(2));
    }
}
