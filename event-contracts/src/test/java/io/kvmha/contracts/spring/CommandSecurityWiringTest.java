package io.kvmha.contracts.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.kvmha.contracts.event.AuditRecord;
import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.security.CommandKeyGenerator;
import io.kvmha.contracts.security.CommandSigner;
import io.kvmha.contracts.security.CommandVerifier;
import io.kvmha.contracts.security.PemKeys;
import io.kvmha.contracts.testing.SampleEvents;
import io.kvmha.contracts.topic.Topic;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.ArgumentCaptor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.kafka.core.KafkaOperations;

/** Central signing and auditing in the EventPublisher, and the beans that configuration turns on. */
class CommandSecurityWiringTest {

    @TempDir
    Path dir;

    private final ApplicationContextRunner contexts = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(KvmHaCommandSecurityAutoConfiguration.class));

    @Test
    void signerAndVerifierExistOnlyWhenConfigured() {
        contexts.run(context -> assertThat(context).doesNotHaveBean(CommandSigner.class)
                .doesNotHaveBean(CommandVerifier.class));
        contexts.withPropertyValues("kvmha.security.commands.signing-key-file=" + privateKey,
                        "kvmha.security.commands.signing-key-id=cp")
                .run(context -> {
                    assertThat(context).hasSingleBean(CommandSigner.class).doesNotHaveBean(CommandVerifier.class);
                    assertThat(context.getBean(CommandSigner.class).keyId()).isEqualTo("cp");
                });
        contexts.withPropertyValues("kvmha.security.commands.trusted-keys.cp=" + dir.resolve("cp.pub.pem"))
                .run(context -> assertThat(context).hasSingleBean(CommandVerifier.class)
                        .doesNotHaveBean(CommandSigner.class));
        contexts.withPropertyValues("kvmha.security.commands.trusted-keys.cp=" + dir.resolve("missing.pem"))
                .run(context -> assertThat(context).hasFailed());
    }

    @SuppressWarnings("unchecked")
    private final KafkaOperations<String, Object> kafka = mock(KafkaOperations.class);
    private CommandSigner signer;
    private Path privateKey;

    @BeforeEach
    void keysAndABroker() throws Exception {
        privateKey = CommandKeyGenerator.generate(dir, "cp")[0];
        signer = new CommandSigner("cp", PemKeys.readPrivateKey(privateKey));
        when(kafka.send(anyString(), any(), any())).thenReturn(new CompletableFuture<>());
    }

    @Test
    void thePublisherSignsUnsignedCommandsAndAuditsEachOne() {
        EventPublisher publisher = new EventPublisher(kafka, signer, true,
                Clock.fixed(SampleEvents.AT, ZoneOffset.UTC));
        HostCommand command = sampleCommand();

        publisher.publish(command);
        publisher.publish(SampleEvents.vmSpec());

        ArgumentCaptor<Object> commands = ArgumentCaptor.forClass(Object.class);
        verify(kafka).send(eq(Topic.Names.HOST_COMMANDS), eq("h1"), commands.capture());
        HostCommand sent = (HostCommand) commands.getValue();
        assertThat(sent.signature()).isNotNull();
        assertThat(sent.signature().keyId()).isEqualTo("cp");
        assertThat(sent.withSignature(null)).isEqualTo(command);

        ArgumentCaptor<Object> audits = ArgumentCaptor.forClass(Object.class);
        verify(kafka, times(1)).send(eq(Topic.Names.AUDIT), eq("scheduler-service"), audits.capture());
        AuditRecord audit = (AuditRecord) audits.getValue();
        assertThat(audit.origin()).isEqualTo(AuditRecord.Origin.AUTOMATIC);
        assertThat(audit.at()).isEqualTo(SampleEvents.AT);
        assertThat(audit.correlation()).containsEntry("commandId", "cmd-1").containsEntry("signedWith", "cp");
        verify(kafka).send(eq(Topic.Names.VM_SPECS), anyString(), any());
    }

    @Test
    void anAlreadySignedCommandIsSentAsItIsAndWithoutAuditingWhenOff() {
        HostCommand signed = new CommandSigner("other", PemKeys.readPrivateKey(privateKey)).sign(sampleCommand());

        new EventPublisher(kafka, signer, false, Clock.systemUTC()).publish(signed);

        verify(kafka).send(Topic.Names.HOST_COMMANDS, "h1", signed);
        verify(kafka, times(0)).send(eq(Topic.Names.AUDIT), anyString(), any());
        assertThat(signed.signature().keyId()).isEqualTo("other");
    }

    private static HostCommand sampleCommand() {
        return SampleEvents.all().stream().filter(HostCommand.class::isInstance).map(HostCommand.class::cast)
                .findFirst().orElseThrow();
    }
}
