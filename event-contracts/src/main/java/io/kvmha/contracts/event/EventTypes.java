package io.kvmha.contracts.event;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The CloudEvents type of every event: {@code io.kvmha.<name>.v<version>}. The version is part of the
 * type, so a consumer sees at once whether it can read a record. A new incompatible version gets a new
 * type string and lives beside the old one until every consumer reads it.
 */
public final class EventTypes {

    /** One versioned event type. */
    public record EventType(String name, int version, Class<? extends KvmHaEvent> javaType) {
        public String ceType() {
            return "io.kvmha." + name + ".v" + version;
        }

        public String dataSchema() {
            return "urn:kvmha:schema:" + name + ":" + version;
        }
    }

    private static final Map<Class<? extends KvmHaEvent>, EventType> BY_CLASS = new LinkedHashMap<>();
    private static final Map<String, EventType> BY_CE_TYPE = new LinkedHashMap<>();

    static {
        register("host.inventory", 1, HostInventory.class);
        register("host.heartbeat", 1, HostHeartbeat.class);
        register("vm.lifecycle", 1, VmLifecycleEvent.class);
        register("metrics.batch", 1, MetricSampleBatch.class);
        register("vm.spec", 1, VmSpec.class);
        register("placement", 1, Placement.class);
        register("host.command", 1, HostCommand.class);
        register("command.result", 1, CommandResult.class);
        register("host.health", 1, HostHealthChange.class);
        register("recovery", 1, RecoveryRecord.class);
        register("alert", 1, Alert.class);
        register("evacuation.request", 1, EvacuationRequest.class);
        register("evacuation.plan", 1, EvacuationPlan.class);
        register("audit", 1, AuditRecord.class);
    }

    private EventTypes() {
    }

    private static void register(String name, int version, Class<? extends KvmHaEvent> type) {
        EventType eventType = new EventType(name, version, type);
        BY_CLASS.put(type, eventType);
        BY_CE_TYPE.put(eventType.ceType(), eventType);
    }

    public static EventType of(Class<? extends KvmHaEvent> type) {
        EventType eventType = BY_CLASS.get(type);
        if (eventType == null) {
            throw new IllegalArgumentException("no event type registered for " + type.getName());
        }
        return eventType;
    }

    public static Optional<EventType> byCeType(String ceType) {
        return Optional.ofNullable(BY_CE_TYPE.get(ceType));
    }

    public static Collection<EventType> all() {
        return BY_CLASS.values();
    }
}
