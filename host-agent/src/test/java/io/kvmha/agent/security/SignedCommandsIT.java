package io.kvmha.agent.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvmha.agent.EventTap;
import io.kvmha.agent.TestAgents;
import io.kvmha.agent.core.Hypervisor;
import io.kvmha.agent.core.HypervisorDomain;
import io.kvmha.contracts.event.AuditRecord;
import io.kvmha.contracts.event.CommandResult;
import io.kvmha.contracts.event.CommandResult.Outcome;
import io.kvmha.contracts.event.HaPolicy;
import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.event.HostCommand.Action;
import io.kvmha.contracts.event.Tier;
import io.kvmha.contracts.event.VmSpec;
import io.kvmha.contracts.security.CommandKeyGenerator;
import io.kvmha.contracts.security.CommandSigner;
import io.kvmha.contracts.security.PemKeys;
import io.kvmha.contracts.spring.EventPublisher;
import io.kvmha.contracts.testing.DeadLetterProbe;
import io.kvmha.contracts.topic.Topic;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;

/**
 * An agent that trusts the control plane's key, on a simulated host and a real broker: unsigned, wrongly signed,
 * unknown-key, expired and replayed commands are each answered REJECTED with their reason, counted, and never
 * reach the hypervisor; a command signed centrally by the EventPublisher runs once and is audited.
 */
@EmbeddedKafka(partitions = 1)
class SignedCommandsIT {

    @TempDir
    Path keys;

    @Test
    void onlyProperlySignedFreshCommandsAreExecuted(EmbeddedKafkaBroker broker) throws Exception {
        String brokers = broker.getBrokersAsString();
        Path[] controlPlane = CommandKeyGenerator.generate(keys, "control-plane");
        CommandSigner signer = new CommandSigner("control-plane", PemKeys.readPrivateKey(controlPlane[0]));
        CommandSigner forger = new CommandSigner("control-plane",
                KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate());
        CommandSigner stranger = new CommandSigner("someone-else",
                KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate());
        AtomicInteger starts = new AtomicInteger();
        // This agent's own publisher signs too, standing in for the scheduler's and failover's.
        try (ConfigurableApplicationContext agent = TestAgents.start(List.of("--kvmha.agent.host-id=s1",
                        "--server.port=0", "--spring.kafka.bootstrap-servers=" + brokers,
                        "--kvmha.agent.simulation.enabled=true",
                        "--kvmha.security.commands.trusted-keys.control-plane=" + controlPlane[1],
                        "--kvmha.security.commands.signing-key-file=" + controlPlane[0]), starts);
             EventTap tap = new EventTap(brokers, Topic.COMMAND_RESULTS, Topic.AUDIT);
             DeadLetterProbe probe = new DeadLetterProbe(brokers)) {

            HostCommand unsigned = start("unsigned-vm", Instant.now().plusSeconds(60));
            HostCommand badSignature = forger.sign(start("forged-vm", Instant.now().plusSeconds(60)));
            HostCommand unknownKey = stranger.sign(start("stranger-vm", Instant.now().plusSeconds(60)));
            HostCommand expired = signer.sign(start("late-vm", Instant.now().minusSeconds(1)));
            probe.sendEvent(unsigned);
            probe.sendEvent(badSignature);
            probe.sendEvent(unknownKey);
            probe.sendEvent(expired);
            assertRejected(tap, unsigned, "UNSIGNED");
            assertRejected(tap, badSignature, "BAD_SIGNATURE");
            assertRejected(tap, unknownKey, "UNKNOWN_KEY");
            assertRejected(tap, expired, "EXPIRED");

            // Published unsigned through the EventPublisher, which signs it: executed.
            HostCommand good = start("good-vm", Instant.now().plusSeconds(60));
            agent.getBean(EventPublisher.class).publish(good).get();
            CommandResult succeeded = await().atMost(Duration.ofSeconds(20)).until(
                    () -> results(tap, good.commandId()), l -> !l.isEmpty()).get(0);
            assertThat(succeeded.outcome()).isEqualTo(Outcome.SUCCEEDED);

            // The very same signed command again: its first result, not a second execution.
            HostCommand signedGood = signer.sign(good);
            probe.sendEvent(signedGood);
            await().atMost(Duration.ofSeconds(20)).until(() -> results(tap, good.commandId()).size() == 2);
            assertThat(results(tap, good.commandId()).get(1)).isEqualTo(succeeded);

            // Its id re-used for other content, validly signed: REPLAYED, the VM keeps running.
            HostCommand reused = signer.sign(new HostCommand(good.commandId(), "s1", good.vmId(), Action.DESTROY, null,
                    1, null, "host-agent-it", Instant.now(), Instant.now().plusSeconds(60)));
            probe.sendEvent(reused);
            await().atMost(Duration.ofSeconds(20)).until(() -> results(tap, good.commandId()).size() == 3);
            CommandResult replayed = results(tap, good.commandId()).get(2);
            assertThat(replayed.outcome()).isEqualTo(Outcome.REJECTED);
            assertThat(replayed.detail()).contains("REPLAYED");

            assertThat(starts).hasValue(1);
            assertThat(agent.getBean(Hypervisor.class).listDomains()).extracting(HypervisorDomain::name)
                    .containsExactly("good-vm");
            MeterRegistry meters = agent.getBean(MeterRegistry.class);
            for (String reason : List.of("unsigned", "bad-signature", "unknown-key", "expired", "replayed")) {
                assertThat(meters.get("kvmha.agent.commands.rejected").tag("reason", reason).counter().count())
                        .as(reason).isEqualTo(1.0);
            }

            // The command the publisher issued is on the audit trail, as an automatic decision.
            AuditRecord audit = await().atMost(Duration.ofSeconds(20)).until(() -> tap.all(AuditRecord.class,
                    a -> good.commandId().equals(a.correlation().get("commandId"))), l -> !l.isEmpty()).get(0);
            assertThat(audit.actor()).isEqualTo("host-agent-it");
            assertThat(audit.origin()).isEqualTo(AuditRecord.Origin.AUTOMATIC);
            assertThat(audit.action()).isEqualTo("host-command DEFINE_AND_START");
            assertThat(audit.correlation()).containsEntry("hostId", "s1").containsEntry("signedWith", "control-plane");
        }
    }

    private static HostCommand start(String name, Instant deadline) {
        VmSpec spec = new VmSpec(UUID.randomUUID().toString(), name, 1, 256, Tier.GOLD, HaPolicy.RESTART, 10,
                Map.of(), Instant.now());
        return new HostCommand(UUID.randomUUID().toString(), "s1", spec.vmId(), Action.DEFINE_AND_START, spec, 1,
                "inc-9", "host-agent-it", Instant.now(), deadline);
    }

    private static List<CommandResult> results(EventTap tap, String commandId) {
        return tap.all(CommandResult.class, r -> r.commandId().equals(commandId));
    }

    private static void assertRejected(EventTap tap, HostCommand command, String reason) {
        CommandResult result = await().atMost(Duration.ofSeconds(20)).until(
                () -> results(tap, command.commandId()), l -> !l.isEmpty()).get(0);
        assertThat(result.outcome()).as(reason).isEqualTo(Outcome.REJECTED);
        assertThat(result.detail()).as(reason).contains(reason);
        assertThat(result.error()).as(reason).contains(reason);
        assertThat(result.incidentId()).isEqualTo("inc-9");
    }
}
