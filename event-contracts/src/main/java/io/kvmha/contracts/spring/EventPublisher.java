package io.kvmha.contracts.spring;

import io.kvmha.contracts.event.KvmHaEvent;
import io.kvmha.contracts.topic.Topic;
import java.util.concurrent.CompletableFuture;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.support.SendResult;

/** Publishes an event to the one topic the catalogue assigns to its type, keyed by the event's key. */
public class EventPublisher {

    private final KafkaOperations<String, Object> kafka;

    public EventPublisher(KafkaOperations<String, Object> kafka) {
        this.kafka = kafka;
    }

    public CompletableFuture<SendResult<String, Object>> publish(KvmHaEvent event) {
        Topic topic = Topic.forEvent(event.getClass());
        return kafka.send(topic.topicName(), event.key(), event);
    }

    /** Deletes a key from a compacted topic. */
    public CompletableFuture<SendResult<String, Object>> tombstone(Topic topic, String key) {
        if (topic.cleanup() != Topic.Cleanup.COMPACT) {
            throw new IllegalArgumentException(topic.topicName() + " is not compacted; a tombstone means nothing there");
        }
        return kafka.send(topic.topicName(), key, null);
    }
}
