package io.kvmha.failover.kafka;

import io.kvmha.contracts.event.VmLifecycleEvent;
import io.kvmha.contracts.topic.Topic;
import io.kvmha.failover.core.FailoverEngine;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** libvirt lifecycle events: a crashed HA VM is restarted on its host. Group offsets; old crashes are not replayed. */
@Component
public class VmListener {

    public static final String ID = "failover-vm-events";

    private final FailoverEngine engine;
    private final DecisionPublisher decisions;

    public VmListener(FailoverEngine engine, DecisionPublisher decisions) {
        this.engine = engine;
        this.decisions = decisions;
    }

    @KafkaListener(id = ID, idIsGroup = false, topics = Topic.Names.VM_EVENTS)
    public void on(VmLifecycleEvent event) {
        decisions.decide(() -> engine.onVmEvent(event));
    }
}
