package io.kvmha.scheduler.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvmha.contracts.event.EvacuationPlan;
import io.kvmha.contracts.event.EvacuationRequest;
import io.kvmha.contracts.event.HostState;
import io.kvmha.contracts.event.KvmHaEvent;
import io.kvmha.contracts.kafka.DeadLetterHeaders;
import io.kvmha.contracts.spring.EventPublisher;
import io.kvmha.contracts.testing.DeadLetterProbe;
import io.kvmha.contracts.testing.DeadLetterProbe.Malformed;
import io.kvmha.contracts.testing.SampleEvents;
import io.kvmha.contracts.topic.Topic;
import io.kvmha.scheduler.core.ClusterView;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;

/**
 * Nothing the scheduler consumes is silently dropped: on every consumed topic, malformed records go to
 * the dead-letter twin with their reason, and the good record behind them (same key, same partition,
 * later offset) is still processed.
 */
@SpringBootTest(properties = {
    "spring.config.name=scheduler-service",
    "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
    "kvmha.kafka.source=/kvmha/scheduler-dlt-it"})
@EmbeddedKafka
class DeadLetterIT {

    @Autowired
    EmbeddedKafkaBroker broker;
    @Autowired
    KafkaListenerEndpointRegistry listeners;
    @Autowired
    ClusterView view;
    @Autowired
    EventPublisher publisher;

    @BeforeEach
    void listenersAssigned() {
        SchedulerFlowIT.awaitListenersAssigned(listeners);
    }

    @Test
    void hostInventory() throws Exception {
        deadLettersThenGood(Topic.HOST_INVENTORY, SampleEvents.inventory("dlt-h1"),
                () -> view.read(l -> l.host("dlt-h1").isPresent()));
    }

    @Test
    void hostHealth() throws Exception {
        view.applyInventory(SampleEvents.inventory("dlt-h2"));
        deadLettersThenGood(Topic.HOST_HEALTH, SampleEvents.healthChange("dlt-h2", HostState.ONLINE, HostState.DOWN),
                () -> view.read(l -> l.host("dlt-h2").orElseThrow().state() == HostState.DOWN));
    }

    @Test
    void vmSpecs() throws Exception {
        deadLettersThenGood(Topic.VM_SPECS, SampleEvents.vmSpec(),
                () -> view.read(l -> l.spec(SampleEvents.VM_ID).isPresent()));
    }

    @Test
    void placements() throws Exception {
        deadLettersThenGood(Topic.PLACEMENTS, SampleEvents.all().stream()
                        .filter(e -> e instanceof io.kvmha.contracts.event.Placement).findFirst().orElseThrow(),
                () -> view.read(l -> l.placement(SampleEvents.VM_ID).isPresent()));
    }

    @Test
    void evacuationRequests() throws Exception {
        try (EventLog log = new EventLog(broker.getBrokersAsString(), Topic.PLACEMENT_PLANS)) {
            EvacuationRequest request = new EvacuationRequest("req-dlt", "inc-dlt", List.of("dlt-h9"), Instant.now());
            deadLettersThenGood(Topic.PLACEMENT_REQUESTS, request, () -> true);
            EvacuationPlan plan = log.await(EvacuationPlan.class, p -> p.requestId().equals("req-dlt"));
            assertThat(plan.assignments()).isEmpty();
        }
    }

    private void deadLettersThenGood(Topic topic, KvmHaEvent good, BooleanSupplier processed) throws Exception {
        try (DeadLetterProbe probe = new DeadLetterProbe(broker.getBrokersAsString())) {
            probe.sendMalformed(topic, good.key(), Malformed.BAD_JSON);
            probe.sendMalformed(topic, good.key(), Malformed.MISSING_FIELD);
            probe.sendMalformed(topic, good.key(), Malformed.UNKNOWN_TYPE);
            RecordMetadata goodRecord = publisher.publish(good).get().getRecordMetadata();

            await().atMost(Duration.ofSeconds(20)).until(processed::getAsBoolean);

            List<ConsumerRecord<String, byte[]>> dead = probe.awaitDeadLetters(topic, 3, Duration.ofSeconds(20));
            assertThat(dead).extracting(DeadLetterProbe::reason).containsExactly("bad-json", "missing-field", "unknown-type");
            assertThat(dead).allSatisfy(record -> {
                String origin = DeadLetterProbe.header(record, DeadLetterHeaders.ORIGIN);
                String[] partitionAndOffset = origin.substring(topic.topicName().length() + 1).split("@");
                assertThat(Integer.parseInt(partitionAndOffset[0])).isEqualTo(goodRecord.partition());
                assertThat(Long.parseLong(partitionAndOffset[1])).isLessThan(goodRecord.offset());
            });
        }
    }
}
