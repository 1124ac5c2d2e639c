package io.kvmha.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvmha.agent.kafka.HostCommandListener;
import io.kvmha.contracts.event.CommandResult;
import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.event.HostCommand.Action;
import io.kvmha.contracts.testing.DeadLetterProbe;
import io.kvmha.contracts.testing.DeadLetterProbe.Malformed;
import io.kvmha.contracts.topic.Topic;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.kafka.test.utils.ContainerTestUtils;

/** Unreadable host commands go to the dead-letter topic, and the agent goes on with the next command. */
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
            HostCommand good = new HostCommand(UUID.randomUUID().toString(), "h1", UUID.randomUUID().toString(),
                    Action.DESTROY, null, 1, null, "dead-letter-it", Instant.now(), Instant.now().plusSeconds(60));
            probe.sendEvent(good);

            List<ConsumerRecord<String, byte[]>> dead = probe.awaitDeadLetters(Topic.HOST_COMMANDS,
                    Malformed.values().length, Duration.ofSeconds(20));
            assertThat(dead).extracting(DeadLetterProbe::reason).containsExactly(
                    "bad-json", "not-a-cloudevent", "unknown-type", "unsupported-version", "missing-field");
            assertThat(dead).allSatisfy(record -> assertThat(record.key()).isEqualTo("h1"));

            CommandResult result = await().atMost(Duration.ofSeconds(20)).until(
                    () -> tap.all(CommandResult.class, r -> r.commandId().equals(good.commandId())), l -> !l.isEmpty()).get(0);
            assertThat(result.outcome()).isEqualTo(CommandResult.Outcome.SUCCEEDED);
        }
    }
}
