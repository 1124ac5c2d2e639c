package io.kvmha.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvmha.contracts.event.CommandResult;
import io.kvmha.contracts.event.HaPolicy;
import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.event.HostHealthChange;
import io.kvmha.contracts.event.HostHeartbeat;
import io.kvmha.contracts.event.HostInventory;
import io.kvmha.contracts.event.MetricSampleBatch;
import io.kvmha.contracts.event.Tier;
import io.kvmha.contracts.event.VmLifecycleEvent;
import io.kvmha.contracts.event.VmSpec;
import io.kvmha.monitor.core.VmStateCounts;
import io.kvmha.monitor.core.rules.RuleEngine;
import java.util.Map;
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
    @Autowired
    RuleEngine engine;
    @Autowired
    VmStateCounts vms;

    @Test
    void hostHealth() throws Exception {
        assertMalformedAreDeadLetteredAndTheNextRecordIsProcessed(Topic.HOST_HEALTH, "h-dlt",
                new HostHealthChange("h-dlt", HostState.ONLINE, HostState.DOWN, List.of("test"), null, AT),
                () -> hosts.stateOf("h-dlt").isPresent());
    }

    @Test
    void heartbeats() throws Exception {
        assertMalformedAreDeadLetteredAndTheNextRecordIsProcessed(Topic.HOST_HEARTBEATS, "h-dlt-hb",
                new HostHeartbeat("h-dlt-hb", 1, Instant.now(), 1, null, HostHeartbeat.LibvirtConnectivity.CONNECTED,
                        List.of(), false, false),
                () -> present("kvmha_host_heartbeat_sequence{host=\"h-dlt-hb\"}"));
    }

    @Test
    void metrics() throws Exception {
        assertMalformedAreDeadLetteredAndTheNextRecordIsProcessed(Topic.METRICS, "h-dlt-m",
                new MetricSampleBatch("h-dlt-m", Instant.now(), List.of(
                        new MetricSampleBatch.Sample("libvirt_domain_info_vcpu_current", Map.of("domain", "d"), 1))),
                () -> present("kvmha_host_samples{host=\"h-dlt-m\"}"));
    }

    @Test
    void vmEvents() throws Exception {
        assertMalformedAreDeadLetteredAndTheNextRecordIsProcessed(Topic.VM_EVENTS, "vm-dlt",
                new VmLifecycleEvent("vm-dlt", "h-dlt-v", null, VmLifecycleEvent.Kind.STOPPED,
                        VmLifecycleEvent.Reason.CRASHED, false, null, Instant.now()),
                () -> present("kvmha_vm_events_total{vm=\"vm-dlt\"}"));
    }

    @Test
    void commandResults() throws Exception {
        assertMalformedAreDeadLetteredAndTheNextRecordIsProcessed(Topic.COMMAND_RESULTS, "h-dlt-c",
                new CommandResult("cmd-dlt", "h-dlt-c", "vm-dlt-c", HostCommand.Action.MIGRATE,
                        CommandResult.Outcome.FAILED, "test", 10, null, Instant.now()),
                () -> present("kvmha_migrations_total{vm=\"vm-dlt-c\"}"));
    }

    @Test
    void hostInventory() throws Exception {
        assertMalformedAreDeadLetteredAndTheNextRecordIsProcessed(Topic.HOST_INVENTORY, "h-dlt-i",
                new HostInventory("h-dlt-i", null, null, null, 4, 1L << 30, List.of(), null, null, null, true,
                        Map.of(), Instant.now()),
                () -> present("kvmha_host_memory_bytes{host=\"h-dlt-i\"}"));
    }

    @Test
    void vmSpecs() throws Exception {
        assertMalformedAreDeadLetteredAndTheNextRecordIsProcessed(Topic.VM_SPECS, "vm-dlt-s",
                new VmSpec("vm-dlt-s", "vm-dlt-s", 1, 512, Tier.BRONZE, HaPolicy.RESTART, 0, Map.of(), Instant.now()),
                () -> vms.tierOf("vm-dlt-s").isPresent());
    }

    boolean present(String selector) {
        return !engine.run(engine.query(selector), Instant.now()).isEmpty();
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
