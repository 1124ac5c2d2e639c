package io.kvmha.contracts.kafka;

import io.cloudevents.core.message.Encoding;
import io.cloudevents.kafka.CloudEventSerializer;
import io.kvmha.contracts.codec.CloudEventCodec;
import io.kvmha.contracts.event.KvmHaEvent;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes an event in the CloudEvents Kafka binary binding: {@code ce_*} headers, JSON data as the
 * record value. A null event is a tombstone.
 */
public final class EventSerializer implements Serializer<KvmHaEvent> {

    private final CloudEventCodec codec;
    private final CloudEventSerializer binding = new CloudEventSerializer();

    public EventSerializer(CloudEventCodec codec) {
        this.codec = codec;
        binding.configure(Map.of(CloudEventSerializer.ENCODING_CONFIG, Encoding.BINARY), false);
    }

    @Override
    public byte[] serialize(String topic, KvmHaEvent event) {
        throw new UnsupportedOperationException("CloudEvents binary mode needs record headers");
    }

    @Override
    public byte[] serialize(String topic, Headers headers, KvmHaEvent event) {
        if (event == null) {
            return null;
        }
        return binding.serialize(topic, headers, codec.toCloudEvent(event));
    }
}
