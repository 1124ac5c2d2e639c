package io.kvmha.agent.kafka;

import static io.kvmha.agent.kafka.StaticMembership.STATIC_MEMBER;

import io.kvmha.agent.core.PlacementBook;
import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.spring.ReplayFromStart;
import io.kvmha.contracts.topic.Topic;
import java.util.Optional;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.Payload;
import org.springframework.stereotype.Component;

/**
 * Keeps the {@link PlacementBook} from the scheduler's compacted {@code kvmha.placements} (replayed
 * from the start on every assignment), so DEFINE_AND_START can apply the placement's NUMA claims.
 */
@Component
public class PlacementListener extends ReplayFromStart {

    public static final String LISTENER_ID = "vm-placements";

    private final PlacementBook book;
    /** Partitions whose replay has not reached the end they had at assignment; null until the first record. */
    private Map<TopicPartition, Long> behind;

    public PlacementListener(PlacementBook book) {
        this.book = book;
    }

    @Override
    public void onPartitionsAssigned(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
        super.onPartitionsAssigned(assignments, callback);
        behind = null;
    }

    @KafkaListener(id = LISTENER_ID, topics = Topic.Names.PLACEMENTS,
            groupId = "host-agent-${kvmha.agent.host-id}-placements",
            clientIdPrefix = "host-agent-${kvmha.agent.host-id}-placements",
            properties = {"auto.offset.reset=earliest", STATIC_MEMBER})
    public void on(@Payload(required = false) Placement placement,
                   @Header(name = KafkaHeaders.RECEIVED_KEY, required = false) String vmId,
                   @Header(KafkaHeaders.RECEIVED_PARTITION) int partition, @Header(KafkaHeaders.OFFSET) long offset,
                   Consumer<?, ?> consumer) {
        if (placement != null) {
            book.put(placement);
        } else if (vmId != null) {
            book.remove(vmId);
        }
        if (!book.caughtUp()) {
            track(consumer, new TopicPartition(Topic.Names.PLACEMENTS, partition), offset);
        }
    }

    /** Marks the book caught up once every non-empty partition delivered the record before its end at assignment. */
    private void track(Consumer<?, ?> consumer, TopicPartition at, long offset) {
        if (behind == null) {
            Set<TopicPartition> assigned = consumer.assignment();
            Map<TopicPartition, Long> begins = consumer.beginningOffsets(assigned);
            behind = new HashMap<>();
            consumer.endOffsets(assigned).forEach((tp, end) -> {
                if (end > begins.getOrDefault(tp, 0L)) {
                    behind.put(tp, end);
                }
            });
        }
        Long end = behind.get(at);
        if (end != null && offset + 1 >= end) {
            behind.remove(at);
        }
        if (behind.isEmpty()) {
            book.markCaughtUp();
        }
    }
}
