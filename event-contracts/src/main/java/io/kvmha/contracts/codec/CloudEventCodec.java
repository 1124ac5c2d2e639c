package io.kvmha.contracts.codec;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.kvmha.contracts.event.EventTypes;
import io.kvmha.contracts.event.EventTypes.EventType;
import io.kvmha.contracts.event.KvmHaEvent;
import io.kvmha.contracts.topic.Topic;
import java.net.URI;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Maps events to CloudEvents and back. The CloudEvents type carries the event's name and version
 * ({@code io.kvmha.host.heartbeat.v1}); the data is the record as JSON.
 */
public final class CloudEventCodec {

    private final EventJson json = new EventJson();
    private final URI source;
    private final Clock clock;

    public CloudEventCodec(URI source, Clock clock) {
        this.source = source;
        this.clock = clock;
    }

    public CloudEventCodec(URI source) {
        this(source, Clock.systemUTC());
    }

    public CloudEvent toCloudEvent(KvmHaEvent event) {
        EventType type = EventTypes.of(event.getClass());
        return CloudEventBuilder.v1()
                .withId(UUID.randomUUID().toString())
                .withSource(source)
                .withType(type.ceType())
                .withDataSchema(URI.create(type.dataSchema()))
                .withTime(clock.instant().atOffset(ZoneOffset.UTC))
                .withSubject(event.key())
                .withDataContentType("application/json")
                .withData(json.write(event))
                .build();
    }

    /**
     * Reads the event of a CloudEvent that arrived on {@code topicName}.
     *
     * @throws UnreadableRecordException naming what is wrong: type, version, topic, JSON or field
     */
    public KvmHaEvent fromCloudEvent(String topicName, CloudEvent cloudEvent) {
        String ceType = cloudEvent.getType();
        EventType type = EventTypes.byCeType(ceType).orElseThrow(() -> unknownType(ceType));
        Topic topic = Topic.byName(topicName).orElse(null);
        if (topic != null && topic.eventType() != type.javaType()) {
            throw new UnreadableRecordException(UnreadableRecordException.Reason.WRONG_TOPIC,
                    "type " + ceType + " does not belong on topic " + topicName
                            + ", which carries " + EventTypes.of(topic.eventType()).ceType());
        }
        if (cloudEvent.getData() == null) {
            throw new UnreadableRecordException(UnreadableRecordException.Reason.BAD_JSON,
                    "event " + cloudEvent.getId() + " of type " + ceType + " has no data");
        }
        return json.read(cloudEvent.getData().toBytes(), type.javaType());
    }

    private static UnreadableRecordException unknownType(String ceType) {
        String prefix = ceType == null ? "" : ceType.replaceFirst("\\.v\\d+$", "");
        boolean knownName = EventTypes.all().stream()
                .anyMatch(t -> t.ceType().replaceFirst("\\.v\\d+$", "").equals(prefix));
        if (knownName) {
            return new UnreadableRecordException(UnreadableRecordException.Reason.UNSUPPORTED_VERSION,
                    "this reader does not know version of type " + ceType);
        }
        return new UnreadableRecordException(UnreadableRecordException.Reason.UNKNOWN_TYPE,
                "unknown CloudEvents type " + ceType);
    }
}
