package io.kvmha.failover.kafka;

import io.kvmha.contracts.topic.Topic;
import java.util.Map;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.test.utils.ContainerTestUtils;

/** Waits until every listener of the service owns its topic's partitions. */
final class ListenerAssignments {

    static final Map<String, Topic> CONSUMED = Map.of(
            HeartbeatListener.ID, Topic.HOST_HEARTBEATS,
            InventoryListener.ID, Topic.HOST_INVENTORY,
            PlacementListener.ID, Topic.PLACEMENTS,
            RecoveryEventListener.PLANS_ID, Topic.PLACEMENT_PLANS,
            RecoveryEventListener.RESULTS_ID, Topic.COMMAND_RESULTS,
            VmListener.ID, Topic.VM_EVENTS,
            VmSpecListener.ID, Topic.VM_SPECS);

    private ListenerAssignments() {
    }

    static void await(KafkaListenerEndpointRegistry registry) {
        CONSUMED.forEach((id, topic) ->
                ContainerTestUtils.waitForAssignment(registry.getListenerContainer(id), topic.partitions()));
    }
}
