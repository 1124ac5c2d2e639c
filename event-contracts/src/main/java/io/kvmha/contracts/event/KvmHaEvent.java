package io.kvmha.contracts.event;

/**
 * Every event that crosses Kafka. The set is closed so that a codec, a topic and a schema exist for
 * each one; adding an event means adding it here, to {@link EventTypes} and to the topic catalogue.
 */
public sealed interface KvmHaEvent
        permits HostInventory, HostHeartbeat, VmLifecycleEvent, MetricSampleBatch, VmSpec, Placement,
                HostCommand, CommandResult, HostHealthChange, RecoveryRecord, Alert,
                EvacuationRequest, EvacuationPlan, AuditRecord {

    /** The Kafka record key: the entity whose order matters (a host, a VM, an incident). */
    String key();
}
