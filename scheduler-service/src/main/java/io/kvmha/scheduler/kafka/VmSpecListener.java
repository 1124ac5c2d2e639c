package io.kvmha.scheduler.kafka;

import io.kvmha.contracts.event.VmSpec;
import io.kvmha.contracts.spring.ReplayFromStart;
import io.kvmha.contracts.topic.Topic;
import io.kvmha.scheduler.core.ClusterView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.Payload;
import org.springframework.stereotype.Component;

/** The desired VMs; a tombstone deletes a VM, which frees its claimed capacity. */
@Component
public class VmSpecListener extends ReplayFromStart {

    private static final Logger log = LoggerFactory.getLogger(VmSpecListener.class);

    private final ClusterView view;
    private final ViewProgress progress;

    public VmSpecListener(ClusterView view, ViewProgress progress) {
        this.view = view;
        this.progress = progress;
    }

    @KafkaListener(id = ListenerIds.VM_SPECS, topics = Topic.Names.VM_SPECS, groupId = "#{@viewConsumerGroup.id()}")
    void on(@Payload(required = false) VmSpec spec, @Header(KafkaHeaders.RECEIVED_KEY) String vmId,
            @Header(KafkaHeaders.RECEIVED_TOPIC) String topic, @Header(KafkaHeaders.RECEIVED_PARTITION) int partition,
            @Header(KafkaHeaders.OFFSET) long offset) {
        try {
            apply(spec, vmId);
        } finally {
            progress.applied(topic, partition, offset);
        }
    }

    private void apply(VmSpec spec, String vmId) {
        if (spec == null) {
            view.deleteSpec(vmId);
            log.info("vm={} deleted (spec tombstone)", vmId);
            return;
        }
        view.applySpec(spec);
        log.debug("vm={} spec name={} tier={}", spec.vmId(), spec.name(), spec.tier());
    }
}
