package io.kvmha.monitor.kafka;

import io.kvmha.contracts.event.HostInventory;
import io.kvmha.contracts.event.VmSpec;
import io.kvmha.contracts.spring.ReplayFromStart;
import io.kvmha.contracts.topic.Topic;
import io.kvmha.monitor.core.VmStateCounts;
import io.kvmha.monitor.core.rules.RuleEngine;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.Payload;
import org.springframework.stereotype.Component;

/**
 * Feeds the compacted descriptions of the cluster (host inventory, VM specs) to the rule engine and
 * the VM counts; replayed from the start on every assignment. A tombstone removes the host or VM.
 */
@Component
public class ClusterStateListener extends ReplayFromStart {

    public static final String INVENTORY = "monitor-inventory";
    public static final String SPECS = "monitor-vm-specs";

    private final RuleEngine engine;
    private final VmStateCounts vms;

    public ClusterStateListener(RuleEngine engine, VmStateCounts vms) {
        this.engine = engine;
        this.vms = vms;
    }

    @KafkaListener(id = INVENTORY, topics = Topic.Names.HOST_INVENTORY, idIsGroup = false)
    void on(@Payload(required = false) HostInventory inventory, @Header(KafkaHeaders.RECEIVED_KEY) String hostId) {
        if (inventory == null) {
            engine.hostRemoved(hostId);
            vms.hostRemoved(hostId);
        } else {
            engine.ingest(inventory);
        }
    }

    @KafkaListener(id = SPECS, topics = Topic.Names.VM_SPECS, idIsGroup = false)
    void on(@Payload(required = false) VmSpec spec, @Header(KafkaHeaders.RECEIVED_KEY) String vmId) {
        if (spec == null) {
            engine.vmRemoved(vmId);
            vms.specRemoved(vmId);
        } else {
            engine.ingest(spec);
            vms.spec(spec);
        }
    }
}
