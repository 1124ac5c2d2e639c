package io.kvmha.contracts.spring;

import io.kvmha.contracts.codec.UnreadableRecordException;
import io.kvmha.contracts.kafka.DeadLetterHeaders;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.support.serializer.DeserializationException;

/**
 * Sends a record that could not be read, or whose processing kept failing, to its topic's
 * dead-letter twin, with the reason and origin in headers, and counts it
 * ({@code kvmha_dead_letters_total{topic,reason}}). The consumer then goes on with the next record.
 */
public class DeadLetterRouter implements ConsumerRecordRecoverer {

    static final String PROCESSING_FAILED = "processing-failed";
    private static final Logger log = LoggerFactory.getLogger(DeadLetterRouter.class);

    private final DeadLetterPublishingRecoverer publisher;
    private final MeterRegistry meters;
    private final String group;

    public DeadLetterRouter(KafkaOperations<?, ?> kafka, MeterRegistry meters, String group) {
        this.meters = meters;
        this.group = group == null ? "" : group;
        this.publisher = new DeadLetterPublishingRecoverer(kafka,
                (record, exception) -> new TopicPartition(record.topic() + io.kvmha.contracts.topic.Topic.DEAD_LETTER_SUFFIX, -1));
        this.publisher.setHeadersFunction(this::headers);
    }

    @Override
    public void accept(ConsumerRecord<?, ?> record, Exception exception) {
        String reason = reasonCode(exception);
        publisher.accept(record, exception);
        Counter.builder("kvmha.dead.letters")
                .description("Records sent to a dead-letter topic because they could not be read or processed")
                .tag("topic", record.topic())
                .tag("reason", reason)
                .register(meters)
                .increment();
        log.warn("dead-lettered record {}/{}@{} key={} reason={} detail={}", record.topic(), record.partition(),
                record.offset(), record.key(), reason, detail(exception));
    }

    private Headers headers(ConsumerRecord<?, ?> record, Exception exception) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(DeadLetterHeaders.REASON, bytes(reasonCode(exception)));
        headers.add(DeadLetterHeaders.DETAIL, bytes(detail(exception)));
        headers.add(DeadLetterHeaders.ORIGIN, bytes(record.topic() + "/" + record.partition() + "@" + record.offset()));
        headers.add(DeadLetterHeaders.GROUP, bytes(group));
        return headers;
    }

    static String reasonCode(Throwable exception) {
        UnreadableRecordException unreadable = unreadable(exception);
        return unreadable == null ? PROCESSING_FAILED : unreadable.reason().code();
    }

    private static String detail(Throwable exception) {
        UnreadableRecordException unreadable = unreadable(exception);
        if (unreadable != null) {
            return unreadable.getMessage();
        }
        Throwable root = exception;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    static UnreadableRecordException unreadable(Throwable exception) {
        for (Throwable t = exception; t != null; t = t.getCause()) {
            if (t instanceof UnreadableRecordException u) {
                return u;
            }
            if (t instanceof DeserializationException d && d.getCause() == null) {
                return new UnreadableRecordException(UnreadableRecordException.Reason.BAD_JSON, d.getMessage());
            }
        }
        return null;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
