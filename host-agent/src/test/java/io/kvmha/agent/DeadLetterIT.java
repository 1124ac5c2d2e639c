package io.kvmha.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvmha.agent.core.PlacementBook;
import io.kvmha.agent.core.SelfFencing;
import io.kvmha.agent.kafka.PlacementListener;
import io.kvmha.contracts.event.Placement;
import io.kvmha.agent.kafka.HostCommandListener;
import io.kvmha.agent.kafka.MaintenanceListener;
import io.kvmha.contracts.codec.CloudEventCodec;
import io.kvmha.contracts.event.CommandResult;
import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.event.HostCommand.Action;
import io.kvmha.contracts.event.HostHealthChange;
import io.kvmha.contracts.event.HostHeartbeat;
import io.kvmha.contracts.event.HostState;
import io.kvmha.contracts.kafka.EventSerializer;
import io.kvmha.contracts.testing.DeadLetterProbe;
import io.kvmha.contracts.testing.DeadLetterProbe.Malformed;
import io.kvmha.contracts.topic.Topic;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.kafka.test.utils.ContainerTestUtils;

/**
 * Malformed records on each topic the agent consumes ({@code kvmha.host.commands},
 * {@code kvmha.host.health}, {@code kvmha.placements}) go to the dead-letter topic, and the agent goes on with the next record.
 * A malformed command whose id can be read is also answered with a FAILED result.
 */
@SpringBootTest(properties = {
    "spring.config.name=host-agent",
    "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
    "kvmha.agent.host-id=h1",
    "kvmha.agent.simulation.enabled=true"})
@EmbeddedKafka(partitions = 1)
class DeadLetterIT {

    @Autowired
    EmbeddedKafkaBroker broker;
    @Autowired
    KafkaListenerEndpointRegistry listeners;
    @Autowired
    SelfFencing selfFencing;
    @Autowired
    PlacementBook placements;

    @Test
    void malformedCommandsAreDeadLetteredAndTheNextCommandIsExecuted() throws Exception {
        ContainerTestUtils.waitForAssignment(listeners.getListenerContainer(HostCommandListener.LISTENER_ID),
                Topic.HOST_COMMANDS.partitions());
        String brokers = broker.getBrokersAsString();
        try (DeadLetterProbe probe = new DeadLetterProbe(brokers); EventTap tap = new EventTap(brokers, Topic.COMMAND_RESULTS)) {
            // Same key as the good command: same partition, so the good one comes after the bad ones.
            for (Malformed kind : Malformed.values()) {
                probe.sendMalformed(Topic.HOST_COMMANDS, "h1", kind);
            }
            // A command with a readable id but a required field missing.
            HostCommand broken = new HostCommand(UUID.randomUUID().toString(), "h1", UUID.randomUUID().toString(),
                    Action.DESTROY, null, 1, null, "dead-letter-it", Instant.now(), Instant.now().plusSeconds(60));
            sendWithout(brokers, broken, "issuedBy");
            HostCommand good = new HostCommand(UUID.randomUUID().toString(), "h1", UUID.randomUUID().toString(),
                    Action.DESTROY, null, 1, null, "dead-letter-it", Instant.now(), Instant.now().plusSeconds(60));
            probe.sendEvent(good);

            List<ConsumerRecord<String, byte[]>> dead = probe.awaitDeadLetters(Topic.HOST_COMMANDS,
                    Malformed.values().length + 1, Duration.ofSeconds(20));
            assertThat(dead).extracting(DeadLetterProbe::reason).containsExactly(
                    "bad-json", "not-a-cloudevent", "unknown-type", "unsupported-version", "missing-field", "missing-field");
            assertThat(dead).allSatisfy(record -> assertThat(record.key()).isEqualTo("h1"));

            CommandResult result = await().atMost(Duration.ofSeconds(20)).until(
                    () -> tap.all(CommandResult.class, r -> r.commandId().equals(good.commandId())), l -> !l.isEmpty()).get(0);
            assertThat(result.outcome()).isEqualTo(CommandResult.Outcome.SUCCEEDED);
            CommandResult answered = await().atMost(Duration.ofSeconds(20)).until(
                    () -> tap.all(CommandResult.class, r -> r.commandId().equals(broken.commandId())), l -> !l.isEmpty()).get(0);
            assertThat(answered.outcome()).isEqualTo(CommandResult.Outcome.FAILED);
            assertThat(answered.error()).contains("malformed", "missing-field", "issuedBy");
            assertThat(answered.vmId()).isEqualTo(broken.vmId());

            // Commands are acknowledged manually once done: the group's committed offset reaches the end.
            try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                    Map.of("bootstrap.servers", brokers))) {
                await().atMost(Duration.ofSeconds(20)).until(() -> admin.listConsumerGroupOffsets("host-agent-h1")
                        .partitionsToOffsetAndMetadata().get().values().stream()
                        .mapToLong(org.apache.kafka.clients.consumer.OffsetAndMetadata::offset).sum(),
                        committed -> committed == Malformed.values().length + 2);
            }
        }
    }

    @Test
    void malformedHealthChangesAreDeadLetteredAndMaintenanceIsLearnedAfterThem() throws Exception {
        ContainerTestUtils.waitForAssignment(listeners.getListenerContainer(MaintenanceListener.LISTENER_ID),
                Topic.HOST_HEALTH.partitions());
        String brokers = broker.getBrokersAsString();
        try (DeadLetterProbe probe = new DeadLetterProbe(brokers); EventTap tap = new EventTap(brokers, Topic.HOST_HEARTBEATS)) {
            probe.sendMalformed(Topic.HOST_HEALTH, "h1", Malformed.BAD_JSON);
            probe.sendMalformed(Topic.HOST_HEALTH, "h1", Malformed.MISSING_FIELD);
            probe.sendEvent(new HostHealthChange("h2", HostState.ONLINE, HostState.MAINTENANCE, List.of("operator"), null,
                    Instant.now()));
            probe.sendEvent(new HostHealthChange("h1", HostState.ONLINE, HostState.MAINTENANCE, List.of("operator"), null,
                    Instant.now()));

            assertThat(probe.awaitDeadLetters(Topic.HOST_HEALTH, 2, Duration.ofSeconds(20)))
                    .extracting(DeadLetterProbe::reason).containsExactly("bad-json", "missing-field");
            await().atMost(Duration.ofSeconds(20)).until(selfFencing::inMaintenance);
            await().atMost(Duration.ofSeconds(10)).until(() -> !tap.all(HostHeartbeat.class, HostHeartbeat::maintenance).isEmpty());

            probe.sendEvent(new HostHealthChange("h1", HostState.MAINTENANCE, HostState.ONLINE, List.of("operator"), null,
                    Instant.now()));
            await().atMost(Duration.ofSeconds(20)).until(() -> !selfFencing.inMaintenance());
        }
    }

    @Test
    void malformedPlacementsAreDeadLetteredAndTheNextPlacementIsKept() throws Exception {
        ContainerTestUtils.waitForAssignment(listeners.getListenerContainer(PlacementListener.LISTENER_ID),
                Topic.PLACEMENTS.partitions());
        String vmId = UUID.randomUUID().toString();
        try (DeadLetterProbe probe = new DeadLetterProbe(broker.getBrokersAsString())) {
            probe.sendMalformed(Topic.PLACEMENTS, vmId, Malformed.BAD_JSON);
            probe.sendMalformed(Topic.PLACEMENTS, vmId, Malformed.MISSING_FIELD);
            probe.sendEvent(new Placement(vmId, "h1", 3, List.of(0), "test", null, Instant.now(),
                    List.of(new Placement.NumaClaim(0, 0, List.of(0), 512, List.of(0, 1), List.of(), List.of(), null, null))));
            assertThat(probe.awaitDeadLetters(Topic.PLACEMENTS, 2, Duration.ofSeconds(20)))
                    .extracting(DeadLetterProbe::reason).containsExactly("bad-json", "missing-field");
            assertThat(placements.await(vmId, 3, Duration.ofSeconds(20))).isPresent();
        }
    }

    /** Sends the event's CloudEvent with one JSON field removed from its data. */
    private static void sendWithout(String brokers, HostCommand command, String field) throws Exception {
        RecordHeaders headers = new RecordHeaders();
        byte[] value = new EventSerializer(new CloudEventCodec(URI.create("/kvmha/test")))
                .serialize(Topic.HOST_COMMANDS.topicName(), headers, command);
        String json = new String(value, StandardCharsets.UTF_8)
                .replaceAll("\"" + field + "\"\\s*:\\s*\"[^\"]*\"\\s*,?", "");
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topic.HOST_COMMANDS.topicName(), null, command.hostId(),
                    json.getBytes(StandardCharsets.UTF_8), headers)).get();
        }
    }
}
