package io.kvmha.failover.kafka;

import io.kvmha.contracts.event.VmSpec;
import io.kvmha.contracts.spring.ReplayFromStart;
import io.kvmha.contracts.topic.Topic;
import io.kvmha.failover.core.FailoverEngine;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.Payload;
import org.springframework.stereotype.Component;

/** VM specs (HA policy, tier), rebuilt from the compacted specs topic: which crashed VMs to restart. */
@Component
public class VmSpecListener extends ReplayFromStart {

    public static final String ID = "failover-vm-specs";

    private final FailoverEngine engine;

    public VmSpecListener(FailoverEngine engine) {
        this.engine = engine;
    }

    @KafkaListener(id = ID, idIsGroup = false, topics = Topic.Names.VM_SPECS)
    public void on(@Payload(required = false) VmSpec spec, @Header(KafkaHeaders.RECEIVED_KEY) String vmId) {
        engine.onSpec(spec == null ? vmId : spec.vmId(), spec);
    }
}
