package io.kvmha.monitor.kafka;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;

/**
 * Which record keys this instance has seen on each partition of one topic, so the state derived from
 * a partition can be dropped when the partition moves to another instance.
 */
final class PartitionKeys {

    private final String topic;
    private final ConcurrentHashMap<Integer, Set<String>> keys = new ConcurrentHashMap<>();

    PartitionKeys(String topic) {
        this.topic = topic;
    }

    void seen(int partition, String key) {
        keys.computeIfAbsent(partition, p -> ConcurrentHashMap.newKeySet()).add(key);
    }

    /** Removes and returns the keys of the revoked partitions of this topic. */
    Set<String> release(Collection<TopicPartition> revoked) {
        Set<String> released = ConcurrentHashMap.newKeySet();
        revoked.stream()
                .filter(tp -> tp.topic().equals(topic))
                .map(tp -> keys.remove(tp.partition()))
                .filter(java.util.Objects::nonNull)
                .forEach(released::addAll);
        return released;
    }
}
