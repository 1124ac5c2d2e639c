package io.kvmha.agent.kafka;

import io.kvmha.agent.core.PlacementBook;
import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.spring.ReplayFromStart;
import io.kvmha.contracts.topic.Topic;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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

    public PlacementListener(PlacementBook book) {
        this.book = book;
    }

    @KafkaListener(id = LISTENER_ID, topics = Topic.Names.PLACEMENTS,
            groupId = "host-agent-${kvmha.agent.host-id}-placements",
            clientIdPrefix = "host-agent-${kvmha.agent.host-id}-placements",
            properties = "auto.offset.reset=earliest")
    public void on(@Payload(required = false) Placement placement,
                   @Header(name = KafkaHeaders.RECEIVED_KEY, required = false) String vmId) {
        if (placement != null) {
            book.put(placement);
        } else if (vmId != null) {
            book.remove(vmId);
        }
    }
}
