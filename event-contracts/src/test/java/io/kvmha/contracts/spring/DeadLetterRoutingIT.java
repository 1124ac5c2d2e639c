package io.kvmha.contracts.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvmha.contracts.event.HostHeartbeat;
import io.kvmha.contracts.kafka.DeadLetterHeaders;
import io.kvmha.contracts.testing.DeadLetterProbe;
import io.kvmha.contracts.testing.DeadLetterProbe.Malformed;
import io.kvmha.contracts.testing.SampleEvents;
import io.kvmha.contracts.topic.Topic;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.kafka.test.utils.ContainerTestUtils;

/** The shared plumbing end to end: a real broker, a listener, malformed records, the dead-letter twin. */
@SpringBootTest(classes = DeadLetterRoutingIT.App.class, properties = {
    "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
    "spring.kafka.consumer.group-id=contracts-it",
    "spring.kafka.consumer.auto-offset-reset=earliest",
    "kvmha.kafka.source=/kvmha/contracts-it"})
@EmbeddedKafka(partitions = 1)
class DeadLetterRoutingIT {

    @SpringBootApplication
    static class App {
        final List<HostHeartbeat> received = new CopyOnWriteArrayList<>();

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }

        @KafkaListener(id = "heartbeats", topics = Topic.Names.HOST_HEARTBEATS)
        void onHeartbeat(HostHeartbeat heartbeat) {
            received.add(heartbeat);
        }
    }

    @Autowired
    App app;
    @Autowired
    EmbeddedKafkaBroker broker;
    @Autowired
    KafkaListenerEndpointRegistry listeners;
    @Autowired
    MeterRegistry meters;
    @Autowired
    EventPublisher publisher;

    @Test
    void unreadableRecordsGoToTheDeadLetterTopicAndTheConsumerGoesOn() throws Exception {
        ContainerTestUtils.waitForAssignment(listeners.getListenerContainer("heartbeats"), Topic.HOST_HEARTBEATS.partitions());
        try (DeadLetterProbe probe = new DeadLetterProbe(broker.getBrokersAsString())) {
            byte[] sent = probe.sendMalformed(Topic.HOST_HEARTBEATS, "h1", Malformed.BAD_JSON);
            probe.sendMalformed(Topic.HOST_HEARTBEATS, "h1", Malformed.NO_HEADERS);
            probe.sendMalformed(Topic.HOST_HEARTBEATS, "h1", Malformed.UNKNOWN_TYPE);
            probe.sendMalformed(Topic.HOST_HEARTBEATS, "h1", Malformed.UNSUPPORTED_VERSION);
            probe.sendMalformed(Topic.HOST_HEARTBEATS, "h1", Malformed.MISSING_FIELD);
            publisher.publish(SampleEvents.heartbeat("h1", 42)).get();

            await().atMost(Duration.ofSeconds(20)).until(() -> !app.received.isEmpty());
            assertThat(app.received).extracting(HostHeartbeat::sequence).containsExactly(42L);

            List<ConsumerRecord<String, byte[]>> dead = probe.awaitDeadLetters(Topic.HOST_HEARTBEATS, 5, Duration.ofSeconds(20));
            assertThat(dead).extracting(DeadLetterProbe::reason)
                    .containsExactly("bad-json", "not-a-cloudevent", "unknown-type", "unsupported-version", "missing-field");
            assertThat(dead.get(0).value()).isEqualTo(sent);
            assertThat(DeadLetterProbe.header(dead.get(0), DeadLetterHeaders.ORIGIN)).matches("kvmha\\.host\\.heartbeats/\\d+@\\d+");
            assertThat(DeadLetterProbe.header(dead.get(4), DeadLetterHeaders.DETAIL)).contains("missing required field");
            assertThat(DeadLetterProbe.header(dead.get(0), "kafka_dlt-original-topic")).isEqualTo(Topic.Names.HOST_HEARTBEATS);
            assertThat(meters.get("kvmha.dead.letters").tag("topic", Topic.Names.HOST_HEARTBEATS).counters())
                    .isNotEmpty();
        }
    }
}
