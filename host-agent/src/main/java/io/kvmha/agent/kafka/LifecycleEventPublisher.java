package io.kvmha.agent.kafka;

import io.kvmha.agent.AgentProperties;
import io.kvmha.agent.core.CommandAttribution;
import io.kvmha.agent.core.DomainLedger;
import io.kvmha.agent.core.DomainLifecycleChange;
import io.kvmha.agent.core.Hypervisor;
import io.kvmha.agent.core.HypervisorDomain;
import io.kvmha.contracts.event.VmLifecycleEvent;
import io.kvmha.contracts.spring.EventPublisher;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Publishes libvirt lifecycle changes as {@link VmLifecycleEvent}s (keyed by VM, so one VM's events
 * stay in order), keeps the {@link DomainLedger} of what was published, and after every (re)connection
 * reconciles it with libvirt's domain list, publishing the differences with {@code reconciled=true}.
 * Live events and reconciliation are serialized (synchronized), so they never interleave.
 */
@Component
public class LifecycleEventPublisher {

    private static final Logger log = LoggerFactory.getLogger(LifecycleEventPublisher.class);

    private final Hypervisor hypervisor;
    private final EventPublisher publisher;
    private final CommandAttribution attribution;
    private final HeartbeatPublisher heartbeats;
    private final Clock clock;
    private final String hostId;
    private final DomainLedger ledger = new DomainLedger();

    public LifecycleEventPublisher(Hypervisor hypervisor, EventPublisher publisher, CommandAttribution attribution,
                                   HeartbeatPublisher heartbeats, Clock agentClock, AgentProperties properties) {
        this.hypervisor = hypervisor;
        this.publisher = publisher;
        this.attribution = attribution;
        this.heartbeats = heartbeats;
        this.clock = agentClock;
        this.hostId = properties.hostId();
        hypervisor.addLifecycleListener(this::onChange);
    }

    synchronized void onChange(DomainLifecycleChange change) {
        ledger.apply(change);
        publish(change);
        heartbeats.refreshDomainsSoon();
    }

    /**
     * Compares libvirt's domains with what was last published and publishes the difference. Called
     * after every connection: at start-up it reports what the host already has (nothing is started:
     * the agent waits for the control plane); after an outage it reports what was missed.
     *
     * @return the domains libvirt lists now
     */
    public synchronized List<HypervisorDomain> reconcile() {
        List<HypervisorDomain> now = hypervisor.listDomains();
        List<DomainLifecycleChange> missed = ledger.reconcile(now);
        log.info("host={} reconciled {} domains with libvirt: {} change(s) published as reconciled events",
                hostId, now.size(), missed.size());
        missed.forEach(this::publish);
        heartbeats.refreshDomainsSoon();
        return now;
    }

    private void publish(DomainLifecycleChange change) {
        String commandId = change.reconciled() ? null : attribution.commandFor(change.uuid(), change.kind()).orElse(null);
        VmLifecycleEvent event = new VmLifecycleEvent(change.uuid(), hostId, change.name(), change.kind(),
                change.reason(), change.reconciled(), commandId, clock.instant());
        log.info("host={} vm={} name={} lifecycle {} reason={} command={}{}", hostId, change.uuid(), change.name(),
                change.kind(), change.reason(), commandId, change.reconciled() ? " (reconciled)" : "");
        publisher.publish(event).whenComplete((sent, failure) -> {
            if (failure != null) {
                log.warn("host={} vm={} lifecycle event {} not published: {}", hostId, change.uuid(), change.kind(),
                        failure.toString());
            }
        });
    }
}
