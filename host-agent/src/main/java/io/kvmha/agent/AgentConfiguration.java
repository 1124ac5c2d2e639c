package io.kvmha.agent;

import io.kvmha.agent.core.CommandAttribution;
import io.kvmha.agent.core.CommandExecutor;
import io.kvmha.agent.core.FileCommandJournal;
import io.kvmha.agent.core.GuestBoot;
import io.kvmha.agent.core.HeartbeatComposer;
import io.kvmha.agent.core.Hypervisor;
import io.kvmha.agent.core.InventoryComposer;
import io.kvmha.agent.core.PlacementBook;
import io.kvmha.agent.core.SelfFencing;
import io.kvmha.agent.core.VmCommandLanes;
import io.kvmha.agent.libvirt.LibvirtHypervisor;
import io.kvmha.agent.kafka.HostCommandListener;
import io.kvmha.agent.kafka.MalformedCommandAnswer;
import io.kvmha.contracts.codec.UnreadableRecordException;
import io.kvmha.contracts.spring.DeadLetterRouter;
import io.kvmha.contracts.spring.EventPublisher;
import io.kvmha.contracts.spring.KvmHaKafkaProperties;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.config.ContainerPostProcessor;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.FixedBackOff;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the agent's core to its one libvirt connection. */
@Configuration(proxyBeanMethods = false)
class AgentConfiguration {

    private static final Logger log = LoggerFactory.getLogger(AgentConfiguration.class);

    static String agentVersion() {
        String version = HostAgentApplication.class.getPackage().getImplementationVersion();
        return version != null ? version : "dev";
    }

    @Bean
    Clock agentClock() {
        return Clock.systemUTC();
    }

    @Bean
    HypervisorTarget hypervisorTarget(AgentProperties properties) {
        return HypervisorTarget.from(properties);
    }

    /** The agent's hypervisor; {@code listDomains()} tells what runs on this host right now. */
    @Bean(destroyMethod = "close")
    Hypervisor hypervisor(AgentProperties properties, HypervisorTarget target) {
        return new LibvirtHypervisor(target.uri(), properties.hostId());
    }

    @Bean
    CommandAttribution commandAttribution(Clock agentClock, AgentProperties properties) {
        return new CommandAttribution(agentClock, properties.commandAttributionWindow());
    }

    @Bean
    PlacementBook placementBook(AgentProperties properties) {
        return new PlacementBook(properties.hostId());
    }

    /**
     * Every command begun and its outcome, on disk: a command redelivered after a restart or power loss is answered
     * from here instead of being executed twice. Corrupt lines are skipped with a WARN each, never fatal.
     */
    @Bean(destroyMethod = "close")
    FileCommandJournal commandJournal(AgentProperties properties, HypervisorTarget target) throws IOException {
        // A simulated host's journal lives with its host file (a temporary directory removed on shutdown, unless
        // simulation.dir names one): its domains do not outlive it either.
        Path dir = properties.stateDir() != null ? properties.stateDir()
                : !properties.simulation().enabled() ? AgentProperties.DEFAULT_STATE_DIR
                : properties.simulation().dir() != null ? properties.simulation().dir()
                : target.ownedDirectory().orElseThrow();
        String name = properties.hostId().replaceAll("[^A-Za-z0-9._-]", "_") + ".commands.journal";
        FileCommandJournal journal = FileCommandJournal.open(dir.resolve(name), properties.commandResultCacheSize(),
                warning -> log.warn("host={} {}", properties.hostId(), warning));
        log.info("host={} command journal {}: {} commands remembered from before this start", properties.hostId(),
                journal.file(), journal.size());
        return journal;
    }

    @Bean
    CommandExecutor commandExecutor(AgentProperties properties, Hypervisor hypervisor, Clock agentClock,
                                    CommandAttribution attribution, PlacementBook placements,
                                    FileCommandJournal commandJournal) {
        CommandExecutor executor = new CommandExecutor(properties.hostId(), hypervisor, agentClock, commandJournal,
                attribution);
        executor.usePlacements(placements, properties.placementWait());
        AgentProperties.Guest guest = properties.guest();
        executor.useGuestBoot(new GuestBoot(guest.kernel() == null ? null : guest.kernel().toString(),
                guest.serialLogDir() == null ? null : guest.serialLogDir().toString()));
        return executor;
    }

    /** Threads that execute host commands, {@code kvmha.agent.command-parallelism} of them. */
    @Bean(destroyMethod = "shutdownNow")
    ExecutorService commandThreads(AgentProperties properties) {
        AtomicInteger n = new AtomicInteger();
        return Executors.newFixedThreadPool(properties.commandParallelism(), r -> {
            Thread t = new Thread(r, "command-" + properties.hostId() + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Bean
    VmCommandLanes vmCommandLanes(ExecutorService commandThreads) {
        return new VmCommandLanes(commandThreads);
    }

    /** Host commands complete out of order: their listener acknowledges each record itself, in order. */
    @Bean(HostCommandListener.MANUAL_ACKS)
    ContainerPostProcessor<Object, Object, AbstractMessageListenerContainer<Object, Object>> hostCommandManualAcks() {
        return container -> container.getContainerProperties().setAckMode(ContainerProperties.AckMode.MANUAL);
    }

    @Bean
    InventoryComposer inventoryComposer(AgentProperties properties, HypervisorTarget target, Clock agentClock) {
        return new InventoryComposer(properties.hostId(), target.simulated(), properties.labels(), agentClock,
                properties.migrationUri() == null || properties.migrationUri().isBlank() ? null : properties.migrationUri());
    }

    /**
     * The contracts' error handler (dead-letter unreadable records at once, others after the configured
     * retries), whose recoverer also answers a malformed command with a FAILED result when its id is readable.
     */
    @Bean
    DefaultErrorHandler kvmhaErrorHandler(DeadLetterRouter router, KvmHaKafkaProperties kafkaProperties,
                                          EventPublisher publisher, AgentProperties properties, Clock agentClock) {
        DefaultErrorHandler handler = new DefaultErrorHandler(
                new MalformedCommandAnswer(router, publisher, properties.hostId(), agentClock),
                new FixedBackOff(200L, kafkaProperties.processingRetries()));
        handler.addNotRetryableExceptions(UnreadableRecordException.class);
        return handler;
    }

    @Bean
    SelfFencing selfFencing(AgentProperties properties, Clock agentClock) {
        return new SelfFencing(agentClock, properties.selfFenceTimeout());
    }

    @Bean
    HeartbeatComposer heartbeatComposer(AgentProperties properties, Clock agentClock) {
        return new HeartbeatComposer(properties.hostId(), agentVersion(), agentClock);
    }
}
