package io.kvmha.contracts.kafka;

import io.kvmha.contracts.event.KvmHaEvent;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The value serializer of every kvm-ha producer: events go out as CloudEvents; raw bytes (an
 * unreadable record on its way to a dead-letter topic) go out untouched, so nothing of it is lost.
 */
public final class EventOrBytesSerializer implements Serializer<Object> {

    private static final String[] CLOUDEVENT_HEADERS = {
        "ce_id", "ce_source", "ce_type", "ce_specversion", "ce_time", "ce_subject", "ce_dataschema", "content-type"
    };

    private final EventSerializer events;

    public EventOrBytesSerializer(EventSerializer events) {
        this.events = events;
    }

    @Override
    public byte[] serialize(String topic, Object data) {
        if (data == null || data instanceof byte[]) {
            return (byte[]) data;
        }
        throw new IllegalArgumentException("an event needs record headers; got " + data.getClass().getName());
    }

    @Override
    public byte[] serialize(String topic, Headers headers, Object data) {
        if (data == null || data instanceof byte[]) {
            return (byte[]) data;
        }
        if (data instanceof KvmHaEvent event) {
            // A re-published event (dead-lettered after processing failed) carries its old envelope.
            for (String header : CLOUDEVENT_HEADERS) {
                headers.remove(header);
            }
            return events.serialize(topic, headers, event);
        }
        throw new IllegalArgumentException("cannot serialize " + data.getClass().getName()
                + " to " + topic + ": only kvm-ha events and raw bytes are published");
    }
}
