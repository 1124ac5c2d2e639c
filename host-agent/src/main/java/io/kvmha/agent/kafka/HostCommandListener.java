package io.kvmha.agent.kafka;

import static io.kvmha.agent.kafka.StaticMembership.STATIC_MEMBER;

import io.kvmha.agent.AgentProperties;
import io.kvmha.agent.core.CommandExecutor;
import io.kvmha.agent.core.VmCommandLanes;
import io.kvmha.contracts.event.CommandResult;
import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.security.CommandVerifier;
import io.kvmha.contracts.spring.EventPublisher;
import io.kvmha.contracts.topic.Topic;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.Acknowledgment;
import org.springframework.stereotype.Component;

/**
 * Consumes host commands in the agent's own consumer group ({@code host-agent-<hostId>}), so every
 * agent sees every command and answers only its own. Commands run on {@link VmCommandLanes}: different VMs side by
 * side (the starts of a failover overlap), one VM's commands in order. Records are acknowledged manually and in
 * order ({@link InOrderAcknowledgements}): an offset is committed only once its command and all before it are
 * done and their results published, so a command cut short by a crash is delivered again, when the cached result
 * (or the level-triggered action) keeps it from executing twice.
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

    /** Bean name of the container post-processor that switches this listener to manual acknowledgments. */
    public static final String MANUAL_ACKS = "hostCommandManualAcks";
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final CommandExecutor executor;
    private final VmCommandLanes lanes;
    private final EventPublisher publisher;
    private final MeterRegistry meters;
    private final String hostId;
    private final @Nullable CommandVerifier verifier;
    private final Clock clock;
    private final InOrderAcknowledgements acks = new InOrderAcknowledgements();

    public HostCommandListener(CommandExecutor executor, VmCommandLanes lanes, EventPublisher publisher,
                               MeterRegistry meters, AgentProperties properties, ObjectProvider<CommandVerifier> verifier,
                               Clock agentClock) {
        this.executor = executor;
        this.lanes = lanes;
        this.publisher = publisher;
        this.meters = meters;
        this.hostId = properties.hostId();
        this.verifier = verifier.getIfAvailable();
        this.clock = agentClock;
    }

    @KafkaListener(id = LISTENER_ID, topics = Topic.Names.HOST_COMMANDS,
            groupId = "host-agent-${kvmha.agent.host-id}", clientIdPrefix = "host-agent-${kvmha.agent.host-id}",
            properties = {"auto.offset.reset=earliest", STATIC_MEMBER}, containerPostProcessor = MANUAL_ACKS)
    public void on(HostCommand command, Acknowledgment ack) {
        acks.track(dispatch(command), ack);
    }

    private CompletableFuture<Void> dispatch(HostCommand command) {
        if (!hostId.equals(command.hostId())) {
            log.debug("host={} ignoring command={} for host={}", hostId, command.commandId(), command.hostId());
            return DONE;
        }
        if (verifier != null) {
            CommandVerifier.Verdict verdict = verifier.verify(command, clock.instant());
            if (!verdict.accepted()) {
                return lanes.submit(command.vmId(), () -> rethrowing(() -> reject(command, verdict)));
            }
        }
        return lanes.submit(command.vmId(), () -> rethrowing(() -> execute(command)))
                .whenComplete((r, e) -> {
                    if (e != null) {
                        // Acknowledged anyway: the sender's start timeout covers an unanswered command.
                        log.error("host={} vm={} command={} action={} result not published: {}", hostId, command.vmId(),
                                command.commandId(), command.action(), e.toString());
                    }
                });
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    private static Void rethrowing(Step step) {
        try {
            step.run();
            return null;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new CompletionException(e);
        }
    }

    private void execute(HostCommand command) throws Exception {
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
