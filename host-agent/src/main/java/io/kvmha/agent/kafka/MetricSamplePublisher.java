package io.kvmha.agent.kafka;

import io.kvmha.agent.AgentProperties;
import io.kvmha.agent.HypervisorConnectionLifecycle;
import io.kvmha.agent.core.DomainStats;
import io.kvmha.agent.core.HostDescription;
import io.kvmha.agent.core.Hypervisor;
import io.kvmha.agent.core.HypervisorDomain;
import io.kvmha.agent.core.MetricSampleComposer;
import io.kvmha.contracts.event.MetricSampleBatch;
import io.kvmha.contracts.spring.EventPublisher;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Publishes a {@link MetricSampleBatch} every {@code kvmha.agent.metrics-interval} (default 5 s) on
 * Boot's shared producer, never on the heartbeat producer: a metrics backlog cannot delay a heartbeat.
 */
@Component
public class MetricSamplePublisher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(MetricSamplePublisher.class);

    private final Hypervisor hypervisor;
    private final EventPublisher publisher;
    private final AgentProperties properties;
    private final MetricSampleComposer composer;
    private volatile ScheduledExecutorService sampler;
    private volatile boolean failing;

    public MetricSamplePublisher(Hypervisor hypervisor, EventPublisher publisher, AgentProperties properties, Clock agentClock) {
        this.hypervisor = hypervisor;
        this.publisher = publisher;
        this.properties = properties;
        this.composer = new MetricSampleComposer(properties.hostId(), agentClock);
    }

    /** Samples now; package-visible for tests. */
    MetricSampleBatch sample() {
        boolean up = hypervisor.isConnected();
        HostDescription host = null;
        List<DomainStats> stats = new ArrayList<>();
        if (up) {
            host = hypervisor.describeHost();
            for (HypervisorDomain d : hypervisor.listDomains()) {
                hypervisor.stats(d.uuid()).ifPresent(stats::add);
            }
        }
        return composer.compose(up, host, stats);
    }

    private void publish() {
        try {
            MetricSampleBatch batch = sample();
            publisher.publish(batch);
            if (failing) {
                failing = false;
                log.info("host={} metric samples published again", properties.hostId());
            }
        } catch (RuntimeException e) {
            if (!failing) {
                failing = true;
                log.warn("host={} metric samples not published: {}", properties.hostId(), e.toString());
            }
        }
    }

    @Override
    public synchronized void start() {
        if (sampler != null) {
            return;
        }
        sampler = Executors.newSingleThreadScheduledExecutor(HeartbeatPublisher.daemon("metrics-" + properties.hostId()));
        long ms = properties.metricsInterval().toMillis();
        sampler.scheduleWithFixedDelay(this::publish, ms, ms, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (sampler != null) {
            sampler.shutdownNow();
            sampler = null;
        }
    }

    @Override
    public boolean isRunning() {
        return sampler != null;
    }

    @Override
    public int getPhase() {
        return HypervisorConnectionLifecycle.PHASE + 10;
    }
}
