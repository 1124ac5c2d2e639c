package io.kvmha.scheduler.kafka;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;
import org.springframework.stereotype.Component;

/** The highest offset the view listeners have applied, per partition: how far this instance's view has read. */
@Component
public class ViewProgress {

    private final Map<TopicPartition, Long> applied = new ConcurrentHashMap<>();

    public void applied(String topic, int partition, long offset) {
        applied.merge(new TopicPartition(topic, partition), offset, Math::max);
    }

    /** -1 when nothing was applied from that partition yet. */
    public long appliedOffset(TopicPartition partition) {
        return applied.getOrDefault(partition, -1L);
    }
}
