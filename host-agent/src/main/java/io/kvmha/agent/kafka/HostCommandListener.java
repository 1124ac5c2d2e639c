package io.kvmha.agent.kafka;

import static io.kvmha.agent.kafka.StaticMembership.STATIC_MEMBER;

import io.kvmha.agent.AgentProperties;
import io.kvmha.agent.core.CommandExecutor;
import io.kvmha.contracts.event.CommandResult;
import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.security.CommandVerifier;
import io.kvmha.contracts.spring.EventPublisher;
import io.kvmha.contracts.topic.Topic;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Consumes host commands in the agent's own consumer group ({@code host-agent-<hostId>}), so every
 * agent sees every command and answers only its own. The result is published before the offset is
 * committed: if publishing fails the record is retried, and the retry replays the cached result
 * instead of executing again.
 *
 * <p>When the agent trusts signing keys ({@code kvmha.security.commands.trusted-keys}), a command for this host is
 * executed only when its signature verifies; otherwise it is answered REJECTED with the reason (unsigned, bad
 * signature, unknown key, expired, replayed), logged at WARN and counted in
 * {@code kvmha_agent_commands_rejected_total{reason}}, and never reaches the hypervisor.
 */
@Component
public class HostCommandListener {

    /** Listener container id, for tests and operations. */
    public static final String LISTENER_ID = "host-commands";
    private static final Logger log = LoggerFactory.getLogger(HostCommandListener.class);

    private final CommandExecutor executor;
    private final EventPublisher publisher;
    private final MeterRegistry meters;
    private final String hostId;
    private final @Nullable CommandVerifier verifier;
    private final Clock clock;

    public HostCommandListener(CommandExecutor executor, EventPublisher publisher, MeterRegistry meters,
                               AgentProperties properties, ObjectProvider<CommandVerifier> verifier, Clock agentClock) {
        this.executor = executor;
        this.publisher = publisher;
        this.meters = meters;
        this.hostId = properties.hostId();
        this.verifier = verifier.getIfAvailable();
        this.clock = agentClock;
    }

    @KafkaListener(id = LISTENER_ID, topics = Topic.Names.HOST_COMMANDS,
            groupId = "host-agent-${kvmha.agent.host-id}", clientIdPrefix = "host-agent-${kvmha.agent.host-id}",
            properties = {"auto.offset.reset=earliest", STATIC_MEMBER})
    public void on(HostCommand command) throws Exception {
        if (!hostId.equals(command.hostId())) {
            log.debug("host={} ignoring command={} for host={}", hostId, command.commandId(), command.hostId());
            return;
        }
        if (verifier != null) {
            CommandVerifier.Verdict verdict = verifier.verify(command, clock.instant());
            if (!verdict.accepted()) {
                reject(command, verdict);
                return;
            }
        }
        Optional<CommandExecutor.Handling> handled = executor.handle(command, progress -> {
            log.info("host={} vm={} command={} action={} {}% {}", hostId, command.vmId(), command.commandId(),
                    command.action(), progress.progressPercent(), progress.detail());
            publisher.publish(progress);
        });
        if (handled.isEmpty()) {
            log.debug("host={} ignoring command={} for host={}", hostId, command.commandId(), command.hostId());
            return;
        }
        CommandExecutor.Handling handling = handled.get();
        CommandResult result = handling.result();
        log.info("host={} vm={} command={} action={} incident={} issuedBy={} -> {}{} in {} ms: {}", hostId,
                command.vmId(), command.commandId(), command.action(), command.incidentId(), command.issuedBy(),
                result.outcome(), handling.replayed() ? " (replayed)" : "", result.durationMs(), handling.note());
        if (!handling.replayed()) {
            Counter.builder("kvmha.agent.commands").description("Host commands handled, by action and outcome")
                    .tag("action", command.action().name()).tag("outcome", result.outcome().name())
                    .register(meters).increment();
        }
        publisher.publish(result).get(10, TimeUnit.SECONDS);
    }

    private void reject(HostCommand command, CommandVerifier.Verdict verdict) throws Exception {
        String detail = "refused, not executed: " + verdict.detail();
        log.warn("host={} vm={} command={} action={} issuedBy={} REJECTED reason={}: {}", hostId, command.vmId(),
                command.commandId(), command.action(), command.issuedBy(), verdict.rejection(), verdict.detail());
        Counter.builder("kvmha.agent.commands.rejected")
                .description("Host commands refused before execution by signature verification, by reason")
                .tag("reason", verdict.rejection().code())
                .register(meters).increment();
        publisher.publish(new CommandResult(command.commandId(), hostId, command.vmId(), command.action(),
                CommandResult.Outcome.REJECTED, detail, 0, command.incidentId(), clock.instant(), null, detail))
                .get(10, TimeUnit.SECONDS);
    }
}
