package io.kvmha.agent.kafka;

import io.kvmha.agent.AgentProperties;
import io.kvmha.agent.core.CommandExecutor;
import io.kvmha.contracts.event.CommandResult;
import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.spring.EventPublisher;
import io.kvmha.contracts.topic.Topic;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Consumes host commands in the agent's own consumer group ({@code host-agent-<hostId>}), so every
 * agent sees every command and answers only its own. The result is published before the offset is
 * committed: if publishing fails the record is retried, and the retry replays the cached result
 * instead of executing again.
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

    public HostCommandListener(CommandExecutor executor, EventPublisher publisher, MeterRegistry meters,
                               AgentProperties properties) {
        this.executor = executor;
        this.publisher = publisher;
        this.meters = meters;
        this.hostId = properties.hostId();
    }

    @KafkaListener(id = LISTENER_ID, topics = Topic.Names.HOST_COMMANDS,
            groupId = "host-agent-${kvmha.agent.host-id}", clientIdPrefix = "host-agent-${kvmha.agent.host-id}",
            properties = "auto.offset.reset=earliest")
    public void on(HostCommand command) throws Exception {
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
}
