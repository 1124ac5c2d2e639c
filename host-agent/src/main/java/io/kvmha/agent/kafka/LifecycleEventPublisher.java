package io.kvmha.agent.kafka;

import io.kvmha.agent.AgentProperties;
import io.kvmha.agent.core.CommandAttribution;
import io.kvmha.agent.core.DomainLifecycleChange;
import io.kvmha.agent.core.Hypervisor;
import io.kvmha.contracts.event.VmLifecycleEvent;
import io.kvmha.contracts.spring.EventPublisher;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Publishes libvirt lifecycle changes as {@link VmLifecycleEvent}s (keyed by VM, so one VM's events
 * stay in order) and makes the next heartbeat show the new domain states.
 */
@Component
public class LifecycleEventPublisher {

    private static final Logger log = LoggerFactory.getLogger(LifecycleEventPublisher.class);

    private final EventPublisher publisher;
    private final CommandAttribution attribution;
    private final HeartbeatPublisher heartbeats;
    private final Clock clock;
    private final String hostId;

    public LifecycleEventPublisher(Hypervisor hypervisor, EventPublisher publisher, CommandAttribution attribution,
                                   HeartbeatPublisher heartbeats, Clock agentClock, AgentProperties properties) {
        this.publisher = publisher;
        this.attribution = attribution;
        this.heartbeats = heartbeats;
        this.clock = agentClock;
        this.hostId = properties.hostId();
        hypervisor.addLifecycleListener(this::onChange);
    }

    void onChange(DomainLifecycleChange change) {
        String commandId = attribution.commandFor(change.uuid(), change.kind()).orElse(null);
        VmLifecycleEvent event = new VmLifecycleEvent(change.uuid(), hostId, change.name(), change.kind(),
                change.reason(), false, commandId, clock.instant());
        log.info("host={} vm={} name={} lifecycle {} reason={} command={}", hostId, change.uuid(), change.name(),
                change.kind(), change.reason(), commandId);
        heartbeats.refreshDomainsSoon();
        publisher.publish(event).whenComplete((sent, failure) -> {
            if (failure != null) {
                log.warn("host={} vm={} lifecycle event {} not published: {}", hostId, change.uuid(), change.kind(),
                        failure.toString());
            }
        });
    }
}
