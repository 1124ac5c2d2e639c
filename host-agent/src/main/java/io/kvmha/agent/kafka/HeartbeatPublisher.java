package io.kvmha.agent.kafka;

import io.kvmha.agent.AgentProperties;
import io.kvmha.agent.HypervisorConnectionLifecycle;
import io.kvmha.agent.core.DomainListing;
import io.kvmha.agent.core.HeartbeatComposer;
import io.kvmha.agent.core.Hypervisor;
import io.kvmha.agent.core.HypervisorDomain;
import io.kvmha.agent.core.SelfFencing;
import io.kvmha.contracts.codec.CloudEventCodec;
import io.kvmha.contracts.event.HostHeartbeat;
import io.kvmha.contracts.kafka.EventOrBytesSerializer;
import io.kvmha.contracts.kafka.EventSerializer;
import io.kvmha.contracts.topic.Topic;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.stereotype.Component;

/**
 * Sends a heartbeat every {@code kvmha.agent.heartbeat-interval}, through a producer of its own tuned
 * for latency (no linger, leader ack only, short timeouts, no retries: a late heartbeat is worth less
 * than the next one), on a thread of its own. Other traffic cannot queue in front of heartbeats, and
 * a slow libvirt cannot delay them: the domain list is refreshed on another thread and the heartbeat
 * takes the latest one. The list is refreshed right after every lifecycle event and every (re)connection,
 * and otherwise every {@code domain-refresh-interval} (default 2 s) as a safety net: listing domains costs
 * several libvirt calls per domain, and an idle agent should cost next to nothing. While libvirt is DISCONNECTED the list is the last one seen.
 * Heartbeats say {@code domainsComplete=true} only once a listing has succeeded since the agent started or
 * libvirt was last seen disconnected: before that the list may be empty or old, and the control plane must not
 * conclude from it that a rejoining host holds no stale domain.
 *
 * <p>The producer is deliberately not a Spring bean: a {@code ProducerFactory} or {@code KafkaTemplate}
 * bean would replace Boot's default ones, which everything else uses.
 */
@Component
public class HeartbeatPublisher implements SmartLifecycle {

    /** Starts after the libvirt connection, stops before it closes. */
    static final int PHASE = HypervisorConnectionLifecycle.PHASE + 10;
    private static final Logger log = LoggerFactory.getLogger(HeartbeatPublisher.class);

    private final Hypervisor hypervisor;
    private final HeartbeatComposer composer;
    private final ProducerFactory<?, ?> bootProducerFactory;
    private final CloudEventCodec codec;
    private final AgentProperties properties;
    private final SelfFencing selfFencing;
    private final Counter sent;
    private final Counter failed;
    private final AtomicBoolean failing = new AtomicBoolean();

    private final DomainListing listing = new DomainListing();
    private volatile ScheduledExecutorService beats;
    private volatile ScheduledExecutorService refreshes;
    private volatile Producer<String, Object> producer;

    public HeartbeatPublisher(Hypervisor hypervisor, HeartbeatComposer composer, ProducerFactory<?, ?> bootProducerFactory,
                              CloudEventCodec codec, AgentProperties properties, SelfFencing selfFencing,
                              MeterRegistry meters) {
        this.hypervisor = hypervisor;
        this.selfFencing = selfFencing;
        this.composer = composer;
        this.bootProducerFactory = bootProducerFactory;
        this.codec = codec;
        this.properties = properties;
        this.sent = Counter.builder("kvmha.agent.heartbeats").tag("result", "sent")
                .description("Heartbeats acknowledged by the broker").register(meters);
        this.failed = Counter.builder("kvmha.agent.heartbeats").tag("result", "failed")
                .description("Heartbeats the broker did not acknowledge in time").register(meters);
    }

    /** The producer settings: Boot's connection settings, tuned for latency. */
    static Map<String, Object> heartbeatProducerConfig(Map<String, Object> bootConfig, String hostId, Duration sendTimeout) {
        Map<String, Object> config = new HashMap<>(bootConfig);
        config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "kvmha-heartbeats-" + hostId);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.put(ProducerConfig.ACKS_CONFIG, "1");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false); // idempotence needs acks=all
        config.put(ProducerConfig.RETRIES_CONFIG, 0);
        int timeoutMs = (int) Math.max(100, sendTimeout.toMillis());
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, timeoutMs);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs);
        return config;
    }

    @Override
    public synchronized void start() {
        if (isRunning()) {
            return;
        }
        String hostId = properties.hostId();
        producer = new KafkaProducer<>(
                heartbeatProducerConfig(bootProducerFactory.getConfigurationProperties(), hostId, properties.heartbeatSendTimeout()),
                new StringSerializer(), new EventOrBytesSerializer(new EventSerializer(codec)));
        refreshes = Executors.newSingleThreadScheduledExecutor(daemon("domain-refresh-" + hostId));
        beats = Executors.newSingleThreadScheduledExecutor(daemon("heartbeat-" + hostId));
        long intervalMs = properties.heartbeatInterval().toMillis();
        long refreshMs = properties.domainRefreshInterval().toMillis();
        refreshes.scheduleWithFixedDelay(this::refreshDomains, 0, refreshMs, TimeUnit.MILLISECONDS);
        beats.scheduleAtFixedRate(this::beat, 0, intervalMs, TimeUnit.MILLISECONDS);
        log.info("host={} heartbeats every {} ms to {}", hostId, intervalMs, Topic.HOST_HEARTBEATS.topicName());
    }

    /** The domains as last listed (every domain libvirt knows). */
    public List<HypervisorDomain> lastDomains() {
        return listing.latest().domains();
    }

    /** Asks for a fresh domain list now (after a lifecycle change) instead of at the next period. */
    public void refreshDomainsSoon() {
        ScheduledExecutorService executor = refreshes;
        if (executor != null && !executor.isShutdown()) {
            try {
                executor.execute(this::refreshDomains);
            } catch (RuntimeException e) {
                // stopping
            }
        }
    }

    private void refreshDomains() {
        try {
            if (hypervisor.isConnected()) {
                List<HypervisorDomain> listed = hypervisor.listDomains();
                listing.listed(listed, hypervisor.isConnected());
            } else {
                listing.disconnected();
            }
        } catch (RuntimeException e) {
            log.debug("host={} domain list not refreshed: {}", properties.hostId(), e.getMessage());
        }
    }

    private void beat() {
        try {
            boolean connected = hypervisor.isConnected();
            if (!connected) {
                listing.disconnected(); // after a reconnection, only a new listing is complete again
            }
            DomainListing.Snapshot domains = listing.latest();
            HostHeartbeat heartbeat = composer.next(connected, domains.domains(), domains.complete(),
                    selfFencing.selfFenced(), selfFencing.inMaintenance());
            producer.send(new ProducerRecord<>(Topic.HOST_HEARTBEATS.topicName(), heartbeat.key(), heartbeat),
                    (metadata, failure) -> {
                        if (failure == null) {
                            // An acknowledged heartbeat is the agent's proof it still reaches the control plane.
                            selfFencing.acknowledged();
                            sent.increment();
                            if (failing.compareAndSet(true, false)) {
                                log.info("host={} heartbeats delivered again (sequence {})", properties.hostId(), heartbeat.sequence());
                            }
                        } else {
                            failed.increment();
                            if (failing.compareAndSet(false, true)) {
                                log.warn("host={} heartbeat {} not delivered: {}", properties.hostId(), heartbeat.sequence(),
                                        failure.toString());
                            }
                        }
                    });
        } catch (RuntimeException e) {
            // A periodic task that throws is cancelled: never let one bad beat end all heartbeats.
            failed.increment();
            if (failing.compareAndSet(false, true)) {
                log.warn("host={} heartbeat not sent: {}", properties.hostId(), e.toString());
            }
        }
    }

    @Override
    public synchronized void stop() {
        if (!isRunning()) {
            return;
        }
        beats.shutdownNow();
        refreshes.shutdownNow();
        try {
            beats.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofMillis(500));
        beats = null;
        refreshes = null;
        producer = null;
        log.info("host={} heartbeats stopped", properties.hostId());
    }

    @Override
    public boolean isRunning() {
        return beats != null;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
