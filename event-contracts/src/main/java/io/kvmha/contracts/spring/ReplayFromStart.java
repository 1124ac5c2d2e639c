package io.kvmha.contracts.spring;

import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.springframework.kafka.listener.AbstractConsumerSeekAware;

/**
 * Base of listeners that rebuild state from compacted topics: on every assignment they read from the
 * beginning, so a restarted service (or the instance that takes over a partition) has the whole view.
 * Handlers must therefore be level-triggered: applying the latest value again changes nothing.
 */
public abstract class ReplayFromStart extends AbstractConsumerSeekAware {

    @Override
    public void onPartitionsAssigned(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
        super.onPartitionsAssigned(assignments, callback);
        callback.seekToBeginning(assignments.keySet());
    }
}
