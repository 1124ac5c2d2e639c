package io.kvmha.failover.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvmha.contracts.event.CommandResult;
import io.kvmha.contracts.event.EvacuationPlan;
import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.event.HostHeartbeat;
import io.kvmha.contracts.event.KvmHaEvent;
import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.testing.DeadLetterProbe;
import io.kvmha.contracts.testing.DeadLetterProbe.Malformed;
import io.kvmha.contracts.testing.SampleEvents;
import io.kvmha.contracts.topic.Topic;
import io.kvmha.failover.core.FailoverEngine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import io.kvmha.contracts.event.HaPolicy;
import io.kvmha.contracts.event.Tier;
import io.kvmha.contracts.event.VmLifecycleEvent;
import io.kvmha.contracts.event.VmSpec;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.RecordInterceptor;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.annotation.DirtiesContext;

/**
 * Nothing is lost: for every topic this service consumes, malformed records go to the dead-letter twin
 * with their reason, and the good record behind them is still processed, after them.
 */
@SpringBootTest(properties = {
    "spring.config.name=failover-service",
    "server.port=0",
    "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
    // Plans and results have no committed offset yet: read them from the start so no record sent right
    // after assignment can be skipped. Heartbeats always start at the end (warmed up below).
    "spring.kafka.consumer.auto-offset-reset=earliest"})
@EmbeddedKafka
@DirtiesContext
class DeadLetterIT {

    /** Per topic: the dead letters already counted when a good record of that topic was processed. */
    static final Map<String, Double> deadLettersWhenProcessed = new ConcurrentHashMap<>();

    @TestConfiguration
    static class ProcessedRecords {
        @Bean
        RecordInterceptor<Object, Object> processedRecords(MeterRegistry meters) {
            return new RecordInterceptor<>() {
                @Override
                public ConsumerRecord<Object, Object> intercept(ConsumerRecord<Object, Object> record,
                                                                Consumer<Object, Object> consumer) {
                    return record;
                }

                @Override
                public void success(ConsumerRecord<Object, Object> record, Consumer<Object, Object> consumer) {
                    if (record.value() != null && "dlt-key".equals(record.key())) {
                        double dead = meters.find("kvmha.dead.letters").tag("topic", record.topic()).counters()
                                .stream().mapToDouble(Counter::count).sum();
                        deadLettersWhenProcessed.put(record.topic(), dead);
                    }
                }
            };
        }
    }

    @Autowired
    EmbeddedKafkaBroker broker;
    @Autowired
    KafkaListenerEndpointRegistry listeners;
    @Autowired
    FailoverEngine engine;
    DeadLetterProbe probe;

    @BeforeEach
    void probe() {
        ListenerAssignments.await(listeners);
        probe = new DeadLetterProbe(broker.getBrokersAsString());
    }

    @AfterEach
    void close() {
        probe.close();
    }

    @Test
    void heartbeats() {
        // The heartbeat consumer seeks to the end on assignment; once a live heartbeat is seen, that seek is done.
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            probe.sendEvent(heartbeat("warm-up"));
            return engine.hosts().containsKey("warm-up");
        });
        assertDeadLettersThenProcessed(Topic.HOST_HEARTBEATS, heartbeat("dlt-key"),
                () -> engine.hosts().containsKey("dlt-key"));
    }

    @Test
    void inventory() {
        assertDeadLettersThenProcessed(Topic.HOST_INVENTORY, SampleEvents.inventory("dlt-key"),
                () -> engine.knownHosts().contains("dlt-key"));
    }

    @Test
    void placements() {
        assertDeadLettersThenProcessed(Topic.PLACEMENTS,
                new Placement("dlt-key", "h-dlt", 1, List.of(), "test", null, Instant.now()),
                () -> engine.placementsOn("h-dlt").size() == 1);
    }

    @Test
    void evacuationPlans() {
        // A plan for an incident this instance does not have: read, judged and ignored, not dead-lettered.
        assertDeadLettersThenProcessed(Topic.PLACEMENT_PLANS,
                new EvacuationPlan("req-x", "dlt-key", List.of(), List.of(), Instant.now()), () -> true);
    }

    @Test
    void commandResults() {
        assertDeadLettersThenProcessed(Topic.COMMAND_RESULTS,
                new CommandResult("cmd-x", "dlt-key", "vm-x", HostCommand.Action.DEFINE_AND_START,
                        CommandResult.Outcome.SUCCEEDED, null, 5, null, Instant.now()), () -> true);
    }

    @Test
    void vmSpecs() {
        VmSpec spec = new VmSpec("dlt-key", "dlt", 1, 128, Tier.GOLD, HaPolicy.RESTART, 0, Map.of(), Instant.now());
        assertDeadLettersThenProcessed(Topic.VM_SPECS, spec, () -> true);
    }

    @Test
    void vmEvents() {
        // A crash of a VM this instance knows nothing about: read, judged and ignored, not dead-lettered.
        assertDeadLettersThenProcessed(Topic.VM_EVENTS, new VmLifecycleEvent("dlt-key", "h-x", "x",
                VmLifecycleEvent.Kind.STOPPED, VmLifecycleEvent.Reason.CRASHED, false, null, Instant.now()), () -> true);
    }

    private void assertDeadLettersThenProcessed(Topic topic, KvmHaEvent good, BooleanSupplier applied) {
        assertThat(good.key()).isEqualTo("dlt-key"); // Same key, same partition: the good record comes after.
        probe.sendMalformed(topic, "dlt-key", Malformed.BAD_JSON);
        probe.sendMalformed(topic, "dlt-key", Malformed.MISSING_FIELD);
        probe.sendEvent(good);

        List<ConsumerRecord<String, byte[]>> dead = probe.awaitDeadLetters(topic, 2, Duration.ofSeconds(20));
        assertThat(dead).extracting(DeadLetterProbe::reason).containsExactly("bad-json", "missing-field");
        await().atMost(Duration.ofSeconds(20)).until(() -> deadLettersWhenProcessed.containsKey(topic.topicName()));
        assertThat(deadLettersWhenProcessed.get(topic.topicName())).isEqualTo(2.0);
        await().atMost(Duration.ofSeconds(5)).until(applied::getAsBoolean);
    }

    private static HostHeartbeat heartbeat(String host) {
        return new HostHeartbeat(host, 1, Instant.now(), 1, "test", HostHeartbeat.LibvirtConnectivity.CONNECTED,
                List.of(), false, false);
    }
}
