package io.kvmha.scheduler.kafka;

/**
 * The consumer group of the listeners that rebuild the cluster view. Unique per instance by default:
 * a view needs every partition of the compacted topics, which a shared group would split between instances.
 */
public record ViewConsumerGroup(String id) {
}
