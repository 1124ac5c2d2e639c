package io.kvmha.agent;

import io.github.resilience4j.core.IntervalFunction;
import io.kvmha.agent.core.Hypervisor;
import io.kvmha.agent.core.HypervisorConnector;
import io.kvmha.agent.core.HypervisorDomain;
import io.kvmha.agent.core.RetryDelays;
import io.kvmha.agent.kafka.InventoryPublisher;
import io.kvmha.agent.kafka.LifecycleEventPublisher;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Opens the libvirt connection before anything else starts (commands, heartbeats), keeps it open
 * with backoff retries (Resilience4j's exponential random backoff), and on every (re)connection
 * reconciles the domains with what was published, turns autostart off for HA-protected domains (a
 * rejoining host must never start them by itself) and republishes the inventory if it changed; also
 * re-reads the inventory periodically, and
 * closes the connection last when the agent stops. On the test driver that close is the simulated
 * host's power loss: its domains vanish.
 */
@Component
public class HypervisorConnectionLifecycle implements SmartLifecycle {

    /** Before the Kafka listener containers, so commands meet a connected hypervisor. */
    public static final int PHASE = 0;
    private static final Duration FIRST_ATTEMPT_WAIT = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(HypervisorConnectionLifecycle.class);

    private final Hypervisor hypervisor;
    private final InventoryPublisher inventory;
    private final LifecycleEventPublisher lifecycle;
    private final AgentProperties properties;
    private final io.micrometer.core.instrument.Counter connectFailures;
    private volatile ScheduledExecutorService scheduler;
    private volatile HypervisorConnector connector;

    public HypervisorConnectionLifecycle(Hypervisor hypervisor, InventoryPublisher inventory,
                                         LifecycleEventPublisher lifecycle, AgentProperties properties,
                                         MeterRegistry meters) {
        this.hypervisor = hypervisor;
        this.inventory = inventory;
        this.lifecycle = lifecycle;
        this.properties = properties;
        this.connectFailures = io.micrometer.core.instrument.Counter.builder("kvmha.agent.libvirt.connect.failures")
                .description("Failed attempts to connect to libvirt").register(meters);
        Gauge.builder("kvmha.agent.libvirt.connected", hypervisor, h -> h.isConnected() ? 1 : 0)
                .description("1 while the agent's libvirt connection is open and alive").register(meters);
    }

    @Override
    public synchronized void start() {
        if (isRunning()) {
            return;
        }
        String hostId = properties.hostId();
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "libvirt-connector-" + hostId);
            t.setDaemon(true);
            return t;
        });
        connector = new HypervisorConnector(hypervisor, scheduler,
                backoff(properties.reconnectInitialBackoff(), properties.reconnectMaxBackoff()),
                properties.connectionCheckInterval(), new ConnectionLog(hostId));
        connector.start(FIRST_ATTEMPT_WAIT);
        long inventoryMs = properties.inventoryCheckInterval().toMillis();
        scheduler.scheduleWithFixedDelay(inventory::publishIfChanged, inventoryMs, inventoryMs, TimeUnit.MILLISECONDS);
    }

    /** Exponential backoff with 20 % jitter (so many agents do not hammer a restarted libvirtd together), capped. */
    static RetryDelays backoff(Duration initial, Duration max) {
        IntervalFunction intervals = IntervalFunction.ofExponentialRandomBackoff(initial, 2.0, 0.2, max);
        return failures -> Duration.ofMillis(intervals.apply(Math.max(1, failures)));
    }

    @Override
    public synchronized void stop() {
        if (!isRunning()) {
            return;
        }
        connector.close();
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        hypervisor.close();
        scheduler = null;
        connector = null;
    }

    @Override
    public boolean isRunning() {
        return scheduler != null;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /** One log line per connection decision; publishes the inventory once connected. */
    private final class ConnectionLog implements HypervisorConnector.Listener {
        private final String hostId;

        ConnectionLog(String hostId) {
            this.hostId = hostId;
        }

        @Override
        public void connected(String uri) {
            try {
                List<HypervisorDomain> domains = lifecycle.reconcile();
                disableAutostartOfProtected(domains);
            } catch (RuntimeException e) {
                log.warn("host={} reconciliation after connecting to {} failed: {}", hostId, uri, e.toString());
            }
            inventory.publishIfChanged();
        }

        private void disableAutostartOfProtected(List<HypervisorDomain> domains) {
            for (HypervisorDomain d : domains) {
                if (!d.isHaProtected()) {
                    continue;
                }
                try {
                    if (hypervisor.autostart(d.uuid())) {
                        hypervisor.setAutostart(d.uuid(), false);
                        log.warn("host={} vm={} name={} HA-protected domain had autostart on; turned off "
                                + "(only the control plane starts it)", hostId, d.uuid(), d.name());
                    }
                } catch (RuntimeException e) {
                    log.warn("host={} vm={} could not check autostart: {}", hostId, d.uuid(), e.getMessage());
                }
            }
        }

        @Override
        public void connectFailed(String uri, String message, int failures, Duration retryIn) {
            connectFailures.increment();
            if (failures == 1) {
                log.error("host={} {}; retrying with backoff (next in {} ms)", hostId, message, retryIn.toMillis());
            } else {
                log.warn("host={} still unreachable after {} attempts: {}; next attempt in {} ms",
                        hostId, failures, message, retryIn.toMillis());
            }
        }

        @Override
        public void lost(String uri) {
            log.warn("host={} libvirt connection to uri={} lost; reconnecting", hostId, uri);
        }
    }
}
