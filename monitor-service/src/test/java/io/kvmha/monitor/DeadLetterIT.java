package io.kvmha.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvmha.contracts.event.HostHealthChange;
import io.kvmha.contracts.event.HostState;
import io.kvmha.contracts.event.KvmHaEvent;
import io.kvmha.contracts.event.RecoveryRecord;
import io.kvmha.contracts.kafka.DeadLetterHeaders;
import io.kvmha.contracts.spring.EventPublisher;
import io.kvmha.contracts.testing.DeadLetterProbe;
import io.kvmha.contracts.testing.DeadLetterProbe.Malformed;
import io.kvmha.contracts.topic.Topic;
import io.kvmha.monitor.core.HostStateCounts;
import io.kvmha.monitor.core.IncidentStatusCounts;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Every topic the monitor consumes survives unreadable records: they go to its .dlt twin, the next record is processed. */
class DeadLetterIT extends EmbeddedKafkaContext {

    static final Duration TIMEOUT = Duration.ofSeconds(20);
    static final Instant AT = Instant.parse("2026-11-27T12:00:00Z");

    @Autowired
    EventPublisher publisher;
    @Autowired
    HostStateCounts hosts;
    @Autowired
    IncidentStatusCounts incidents;

    @Test
    void hostHealth() throws Exception {
        assertMalformedAreDeadLetteredAndTheNextRecordIsProcessed(Topic.HOST_HEALTH, "h-dlt",
                new HostHealthChange("h-dlt", HostState.ONLINE, HostState.DOWN, List.of("test"), null, AT),
                () -> hosts.stateOf("h-dlt").isPresent());
    }

    @Test
    void recoveries() throws Exception {
        assertMalformedAreDeadLetteredAndTheNextRecordIsProcessed(Topic.RECOVERIES, "inc-dlt",
                new RecoveryRecord("inc-dlt", "h9", RecoveryRecord.Status.OPEN, "UNSAFE: no fencing configured",
                        List.of(), List.of(), AT),
                () -> incidents.statusOf("inc-dlt").isPresent());
    }

    void assertMalformedAreDeadLetteredAndTheNextRecordIsProcessed(Topic topic, String key, KvmHaEvent good,
                                                                   BooleanSupplier processed) throws Exception {
        try (DeadLetterProbe probe = new DeadLetterProbe(broker.getBrokersAsString())) {
            for (Malformed kind : Malformed.values()) {
                probe.sendMalformed(topic, key, kind);
            }
            RecordMetadata goodRecord = publisher.publish(good).get().getRecordMetadata();

            await().atMost(TIMEOUT).until(processed::getAsBoolean);

            List<ConsumerRecord<String, byte[]>> dead = probe.awaitDeadLetters(topic, Malformed.values().length, TIMEOUT);
            assertThat(dead).extracting(DeadLetterProbe::reason).containsExactly(
                    "bad-json", "not-a-cloudevent", "unknown-type", "unsupported-version", "missing-field");
            assertThat(dead).allSatisfy(record -> {
                assertThat(DeadLetterProbe.header(record, DeadLetterHeaders.GROUP)).isEqualTo("monitor-service");
                // Same key, same partition, lower offsets: the good record was consumed after all of them.
                String origin = DeadLetterProbe.header(record, DeadLetterHeaders.ORIGIN);
                String[] partitionAndOffset = origin.substring(topic.topicName().length() + 1).split("@");
                assertThat(Integer.parseInt(partitionAndOffset[0])).isEqualTo(goodRecord.partition());
                assertThat(Long.parseLong(partitionAndOffset[1])).isLessThan(goodRecord.offset());
            });
        }
    }
}
