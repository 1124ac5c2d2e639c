package io.kvmha.agent.kafka;

import io.kvmha.agent.AgentProperties;
import io.kvmha.agent.core.Hypervisor;
import io.kvmha.agent.core.InventoryComposer;
import io.kvmha.contracts.event.HostInventory;
import io.kvmha.contracts.spring.EventPublisher;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Publishes the host's inventory when the agent connects and whenever what the host is changes. */
@Component
public class InventoryPublisher {

    private static final Logger log = LoggerFactory.getLogger(InventoryPublisher.class);

    private final Hypervisor hypervisor;
    private final InventoryComposer composer;
    private final EventPublisher publisher;
    private final String hostId;
    private HostInventory lastPublished;

    public InventoryPublisher(Hypervisor hypervisor, InventoryComposer composer, EventPublisher publisher,
                              AgentProperties properties) {
        this.hypervisor = hypervisor;
        this.composer = composer;
        this.publisher = publisher;
        this.hostId = properties.hostId();
    }

    /** Reads the inventory and publishes it if it differs from the last one published. */
    public synchronized void publishIfChanged() {
        if (!hypervisor.isConnected()) {
            return;
        }
        try {
            HostInventory current = composer.compose(hypervisor.uri(), hypervisor.describeHost());
            if (!InventoryComposer.changed(lastPublished, current)) {
                return;
            }
            publisher.publish(current).get(10, TimeUnit.SECONDS);
            lastPublished = current;
            log.info("host={} inventory published: cpus={} memory={} MiB numaCells={} hypervisor={} simulated={}",
                    hostId, current.cpus(), current.memoryBytes() >> 20, current.numaCells().size(),
                    current.hypervisorType(), current.simulated());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("host={} inventory not published, will retry at the next check: {}", hostId, e.toString());
        }
    }
}
