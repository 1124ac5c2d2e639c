package io.kvmha.contracts.topic;

import io.kvmha.contracts.event.Alert;
import io.kvmha.contracts.event.AuditRecord;
import io.kvmha.contracts.event.CommandResult;
import io.kvmha.contracts.event.EvacuationPlan;
import io.kvmha.contracts.event.EvacuationRequest;
import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.event.HostHealthChange;
import io.kvmha.contracts.event.HostHeartbeat;
import io.kvmha.contracts.event.HostInventory;
import io.kvmha.contracts.event.KvmHaEvent;
import io.kvmha.contracts.event.MetricSampleBatch;
import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.RecoveryRecord;
import io.kvmha.contracts.event.VmLifecycleEvent;
import io.kvmha.contracts.event.VmSpec;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * The topic catalogue: every topic of kvm-ha, its key, its retention, and the one event type it
 * carries. Topics (and their dead-letter twins) are created from this list at start-up, and
 * {@code docs/asyncapi.yaml} is checked against it.
 */
public enum Topic {
    HOST_INVENTORY(Names.HOST_INVENTORY, "hostId", Cleanup.COMPACT, null, 6, HostInventory.class,
            "What each host is: NUMA cells, CPUs, memory, software. Latest per host."),
    HOST_HEARTBEATS(Names.HOST_HEARTBEATS, "hostId", Cleanup.DELETE, Duration.ofHours(1), 6, HostHeartbeat.class,
            "Agent proofs of life with the domains each host runs, every 500 ms."),
    VM_EVENTS(Names.VM_EVENTS, "vmId", Cleanup.DELETE, Duration.ofDays(7), 6, VmLifecycleEvent.class,
            "Domain lifecycle events as libvirt reported them, or as reconciled after a disconnection."),
    METRICS(Names.METRICS, "hostId", Cleanup.DELETE, Duration.ofHours(1), 6, MetricSampleBatch.class,
            "Host and VM metric samples, every 5 s."),
    VM_SPECS(Names.VM_SPECS, "vmId", Cleanup.COMPACT, null, 6, VmSpec.class,
            "Desired state of every VM; a tombstone deletes the VM."),
    PLACEMENTS(Names.PLACEMENTS, "vmId", Cleanup.COMPACT, null, 6, Placement.class,
            "The placement ledger: which host and NUMA cells each VM is claimed on."),
    PLACEMENT_REQUESTS(Names.PLACEMENT_REQUESTS, "requestId", Cleanup.DELETE, Duration.ofDays(7), 1,
            EvacuationRequest.class,
            "Requests for evacuation plans; one partition so exactly one placer decides in order."),
    PLACEMENT_PLANS(Names.PLACEMENT_PLANS, "incidentId", Cleanup.DELETE, Duration.ofDays(7), 6, EvacuationPlan.class,
            "Evacuation plans answering placement requests."),
    HOST_COMMANDS(Names.HOST_COMMANDS, "hostId", Cleanup.DELETE, Duration.ofDays(7), 6, HostCommand.class,
            "Commands for the agent of one host, idempotent by command id."),
    COMMAND_RESULTS(Names.COMMAND_RESULTS, "hostId", Cleanup.DELETE, Duration.ofDays(7), 6, CommandResult.class,
            "Outcomes of host commands."),
    HOST_HEALTH(Names.HOST_HEALTH, "hostId", Cleanup.COMPACT, null, 6, HostHealthChange.class,
            "Host health transitions with their evidence. Latest per host."),
    RECOVERIES(Names.RECOVERIES, "incidentId", Cleanup.DELETE, Duration.ofDays(400), 6, RecoveryRecord.class,
            "Incident records: the decision log of every recovery, kept for more than a year."),
    ALERTS(Names.ALERTS, "fingerprint", Cleanup.DELETE, Duration.ofDays(30), 6, Alert.class,
            "Alerts with their firing and resolved lifecycle."),
    AUDIT(Names.AUDIT, "actor", Cleanup.DELETE, Duration.ofDays(180), 6, AuditRecord.class,
            "The audit trail: every operator request to an API and every host command the control plane issued.");

    /** Topic names as compile-time constants, for annotations such as {@code @KafkaListener}. */
    public static final class Names {
        public static final String HOST_INVENTORY = "kvmha.host.inventory";
        public static final String HOST_HEARTBEATS = "kvmha.host.heartbeats";
        public static final String VM_EVENTS = "kvmha.vm.events";
        public static final String METRICS = "kvmha.metrics";
        public static final String VM_SPECS = "kvmha.vm.specs";
        public static final String PLACEMENTS = "kvmha.placements";
        public static final String PLACEMENT_REQUESTS = "kvmha.placement.requests";
        public static final String PLACEMENT_PLANS = "kvmha.placement.plans";
        public static final String HOST_COMMANDS = "kvmha.host.commands";
        public static final String COMMAND_RESULTS = "kvmha.command.results";
        public static final String HOST_HEALTH = "kvmha.host.health";
        public static final String RECOVERIES = "kvmha.recoveries";
        public static final String ALERTS = "kvmha.alerts";
        public static final String AUDIT = "kvmha.audit";

        private Names() {
        }
    }

    /** Suffix of every dead-letter twin. */
    public static final String DEAD_LETTER_SUFFIX = ".dlt";
    /** How long unreadable records are kept for an operator to inspect and replay. */
    public static final Duration DEAD_LETTER_RETENTION = Duration.ofDays(30);

    public enum Cleanup { COMPACT, DELETE }

    private final String topicName;
    private final String key;
    private final Cleanup cleanup;
    private final Duration retention;
    private final int partitions;
    private final Class<? extends KvmHaEvent> eventType;
    private final String description;

    Topic(String topicName, String key, Cleanup cleanup, Duration retention, int partitions,
          Class<? extends KvmHaEvent> eventType, String description) {
        this.topicName = topicName;
        this.key = key;
        this.cleanup = cleanup;
        this.retention = retention;
        this.partitions = partitions;
        this.eventType = eventType;
        this.description = description;
    }

    public String topicName() {
        return topicName;
    }

    public String deadLetterTopicName() {
        return topicName + DEAD_LETTER_SUFFIX;
    }

    /** The name of the event field used as record key. */
    public String key() {
        return key;
    }

    public Cleanup cleanup() {
        return cleanup;
    }

    /** Retention of a DELETE topic; empty for compacted topics, which keep the latest value forever. */
    public Optional<Duration> retention() {
        return Optional.ofNullable(retention);
    }

    public int partitions() {
        return partitions;
    }

    public Class<? extends KvmHaEvent> eventType() {
        return eventType;
    }

    public String description() {
        return description;
    }

    public static Topic forEvent(Class<? extends KvmHaEvent> type) {
        return Arrays.stream(values())
                .filter(t -> t.eventType == type)
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no topic carries " + type.getName()));
    }

    public static Optional<Topic> byName(String topicName) {
        return Arrays.stream(values()).filter(t -> t.topicName.equals(topicName)).findFirst();
    }
}
