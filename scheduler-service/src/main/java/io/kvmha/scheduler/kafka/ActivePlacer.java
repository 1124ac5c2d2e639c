package io.kvmha.scheduler.kafka;

import io.kvmha.contracts.topic.Topic;
import io.kvmha.scheduler.SchedulerProperties;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.stereotype.Component;

/**
 * The single-placer rule: an instance may decide placements only while it owns partition 0 of the
 * single-partition {@code kvmha.placement.requests} topic in the shared consumer group (Kafka's group
 * protocol makes that owner unique; a standby gets the partition when the owner leaves or its session
 * expires). On gaining it, the instance first reads the compacted view topics up to their end offsets,
 * so it sees every placement its predecessor published before it decides anything.
 *
 * <p>Limit: this is a lease without fencing. An old owner that stalls (GC pause longer than the session)
 * and resumes could still publish one decision after the new owner caught up; Kafka transactions with a
 * fenced transactional id would close that window.
 */
@Component
public class ActivePlacer {

    private static final Logger log = LoggerFactory.getLogger(ActivePlacer.class);
    private static final List<String> VIEW_TOPICS = List.of(Topic.Names.HOST_INVENTORY, Topic.Names.HOST_HEALTH,
            Topic.Names.VM_SPECS, Topic.Names.PLACEMENTS);

    private final ConsumerFactory<?, ?> consumerFactory;
    private final ViewProgress progress;
    private final SchedulerProperties properties;
    private volatile boolean owner;
    private volatile boolean caughtUp;
    private long ownership;

    private final String instance;

    public ActivePlacer(ConsumerFactory<?, ?> consumerFactory, ViewProgress progress, SchedulerProperties properties,
                        ViewConsumerGroup viewGroup) {
        this.instance = viewGroup.id();
        this.consumerFactory = consumerFactory;
        this.progress = progress;
        this.properties = properties;
    }

    synchronized void gained() {
        owner = true;
        caughtUp = false;
        ownership++;
        log.info("active placer: instance={} now owns {} (term {}); catching up the view before deciding",
                instance, Topic.Names.PLACEMENT_REQUESTS, ownership);
    }

    synchronized void lost() {
        if (owner) {
            log.info("active placer: instance={} no longer owns {}; standing by", instance,
                    Topic.Names.PLACEMENT_REQUESTS);
        }
        owner = false;
        caughtUp = false;
    }

    public boolean isOwner() {
        return owner;
    }

    /**
     * Waits up to {@code timeout} until this instance owns the request partition and its view has caught up.
     * Always true when {@code single-placer} is off.
     */
    public boolean awaitActive(Duration timeout) {
        if (!properties.singlePlacer()) {
            return true;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!owner) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            sleep(50);
        }
        return awaitCaughtUp(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())).plusSeconds(5));
    }

    /** As the owner: waits until the view holds everything published to the view topics when this is called. */
    public synchronized boolean awaitCaughtUp(Duration timeout) {
        if (caughtUp || !properties.singlePlacer()) {
            return true;
        }
        Map<TopicPartition, Long> ends = endOffsets();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<TopicPartition> behind = ends.entrySet().stream()
                    .filter(e -> e.getValue() > 0 && progress.appliedOffset(e.getKey()) < e.getValue() - 1)
                    .map(Map.Entry::getKey).toList();
            if (behind.isEmpty()) {
                caughtUp = true;
                log.info("active placer: instance={} view caught up ({} partitions); deciding", instance, ends.size());
                return true;
            }
            if (System.nanoTime() > deadline) {
                // The last record of a partition may have been dead-lettered and never applied; go on.
                log.warn("active placer: instance={} view still behind on {} after {}; deciding anyway", instance, behind,
                        timeout);
                caughtUp = true;
                return true;
            }
            sleep(20);
        }
    }

    private Map<TopicPartition, Long> endOffsets() {
        try (Consumer<?, ?> consumer = consumerFactory.createConsumer(null, "-catch-up")) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : VIEW_TOPICS) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
                if (infos != null) {
                    infos.forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
                }
            }
            return consumer.endOffsets(partitions, Duration.ofSeconds(10));
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to be the active placer", e);
        }
    }
}
