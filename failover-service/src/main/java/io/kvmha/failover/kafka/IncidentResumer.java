package io.kvmha.failover.kafka;

import io.kvmha.contracts.event.RecoveryRecord;
import io.kvmha.contracts.topic.Topic;
import io.kvmha.failover.core.FailoverEngine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.stereotype.Component;

/**
 * Crash safety: before any listener runs (an early lifecycle phase), reads the recoveries topic from the
 * beginning to its end, keeps the latest record of each incident, and hands the open ones to the engine,
 * which resumes them (fence again, re-send the request, or re-issue in-flight starts with their own
 * command ids, so no VM starts twice). Reading to the end first matters: acting on an early OPEN record
 * of an incident that a later record closed could fence a host that has long rejoined.
 */
@Component
public class IncidentResumer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(IncidentResumer.class);
    private static final Duration READ_LIMIT = Duration.ofSeconds(20);

    private final ConsumerFactory<?, ?> consumers;
    private final FailoverEngine engine;
    private final DecisionPublisher decisions;
    private volatile boolean running;

    public IncidentResumer(ConsumerFactory<?, ?> consumers, FailoverEngine engine, DecisionPublisher decisions) {
        this.consumers = consumers;
        this.engine = engine;
        this.decisions = decisions;
    }

    @Override
    public int getPhase() {
        return 0; // Before the listener containers (Integer.MAX_VALUE - 100) and the detector ticker.
    }

    @Override
    public void start() {
        running = true;
        try {
            // Specs first: an in-flight start can only be re-issued with the VM's spec.
            readAll(Topic.Names.VM_SPECS, record -> engine.onSpec(String.valueOf(record.key()),
                    record.value() instanceof io.kvmha.contracts.event.VmSpec spec ? spec : null));
            Map<String, RecoveryRecord> latest = new LinkedHashMap<>();
            readAll(Topic.Names.RECOVERIES, record -> {
                if (record.value() instanceof RecoveryRecord recovery) {
                    latest.put(recovery.incidentId(), recovery);
                }
            });
            List<RecoveryRecord> open = latest.values().stream().filter(r -> r.status() == RecoveryRecord.Status.OPEN).toList();
            if (!open.isEmpty()) {
                log.warn("resuming {} open incidents recorded by a previous failover instance: {}", open.size(),
                        open.stream().map(r -> "host=" + r.hostId() + " incident=" + r.incidentId()).toList());
                decisions.decide(() -> engine.resume(open));
            }
        } catch (RuntimeException e) {
            log.error("could not read {} to resume open incidents; none resumed", Topic.Names.RECOVERIES, e);
        }
    }

    private void readAll(String topic, java.util.function.Consumer<ConsumerRecord<?, ?>> handler) {
        Properties overrides = new Properties();
        overrides.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (Consumer<?, ?> consumer = consumers.createConsumer("failover-resume", "failover-resume", null, overrides)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(10))) {
                partitions.add(new TopicPartition(info.topic(), info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
            long deadline = System.nanoTime() + READ_LIMIT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("did not reach the end of " + topic + " within " + READ_LIMIT);
                }
                for (ConsumerRecord<?, ?> record : consumer.poll(Duration.ofMillis(200))) {
                    handler.accept(record);
                }
            }
        }
    }

    @Override
    public void stop() {
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
