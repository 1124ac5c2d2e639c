package io.kvmha.simulation.plane;

import io.kvmha.simulation.core.LagHistory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Consumer lag in seconds of every consumer group on the broker, sampled every {@link #sample()} call (call it
 * every ~200 ms): end offsets of every partition a group has committed, and how long ago each group's committed
 * offset was first behind ({@link LagHistory}). Keeps the maximum per group.
 */
public final class ConsumerLagProbe implements AutoCloseable {

    private final Admin admin;
    private final Map<TopicPartition, LagHistory> histories = new HashMap<>();
    private final Map<String, Double> maxLagSeconds = new HashMap<>();

    public ConsumerLagProbe(String bootstrapServers) {
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG, "kvmha-simulation-lag-probe"));
    }

    /** One sample of every group; returns this sample's lag per group. */
    public Map<String, Double> sample() {
        try {
            Collection<ConsumerGroupListing> groups = admin.listConsumerGroups().all().get(5, TimeUnit.SECONDS);
            Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = new HashMap<>();
            for (ConsumerGroupListing group : groups) {
                committed.put(group.groupId(),
                        admin.listConsumerGroupOffsets(group.groupId()).partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS));
            }
            List<TopicPartition> partitions = new ArrayList<>();
            committed.values().forEach(offsets -> offsets.keySet().stream().filter(p -> !partitions.contains(p)).forEach(partitions::add));
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(p -> latest.put(p, OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get(5, TimeUnit.SECONDS);
            long now = System.currentTimeMillis();
            ends.forEach((p, info) -> histories.computeIfAbsent(p, k -> new LagHistory(120_000)).sample(now, info.offset()));
            Map<String, Double> lag = new HashMap<>();
            committed.forEach((group, offsets) -> {
                double worst = 0;
                for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
                    LagHistory history = histories.get(e.getKey());
                    if (history != null && e.getValue() != null) {
                        worst = Math.max(worst, history.lagSeconds(now, e.getValue().offset()));
                    }
                }
                lag.put(group, worst);
                maxLagSeconds.merge(group, worst, Math::max);
            });
            return lag;
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            return Map.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of();
        }
    }

    /** Highest lag seen per group since the last {@link #reset()}. */
    public Map<String, Double> maxLagSeconds() {
        return Map.copyOf(maxLagSeconds);
    }

    public void reset() {
        maxLagSeconds.clear();
    }

    @Override
    public void close() {
        admin.close();
    }
}
