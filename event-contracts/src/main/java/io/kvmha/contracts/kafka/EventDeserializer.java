package io.kvmha.contracts.kafka;

import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.CloudEventDeserializer;
import io.kvmha.contracts.codec.CloudEventCodec;
import io.kvmha.contracts.codec.UnreadableRecordException;
import io.kvmha.contracts.event.KvmHaEvent;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads an event from the CloudEvents Kafka binary binding. A record that is not a readable event
 * raises {@link UnreadableRecordException}; wrapped in Spring's ErrorHandlingDeserializer it is routed
 * to the dead-letter topic instead of stopping the consumer. A null value (tombstone) reads as null.
 */
public final class EventDeserializer implements Deserializer<KvmHaEvent> {

    private final CloudEventCodec codec;
    private final CloudEventDeserializer binding = new CloudEventDeserializer();

    public EventDeserializer(CloudEventCodec codec) {
        this.codec = codec;
    }

    @Override
    public KvmHaEvent deserialize(String topic, byte[] data) {
        throw new UnreadableRecordException(UnreadableRecordException.Reason.NOT_A_CLOUDEVENT,
                "record on " + topic + " has no headers");
    }

    @Override
    public KvmHaEvent deserialize(String topic, Headers headers, byte[] data) {
        if (data == null) {
            return null;
        }
        CloudEvent cloudEvent;
        try {
            cloudEvent = binding.deserialize(topic, headers, data);
        } catch (RuntimeException e) {
            throw new UnreadableRecordException(UnreadableRecordException.Reason.NOT_A_CLOUDEVENT,
                    "record on " + topic + " is not a CloudEvent in binary mode: " + e.getMessage(), e);
        }
        return codec.fromCloudEvent(topic, cloudEvent);
    }
}
