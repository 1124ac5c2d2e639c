package io.kvmha.contracts.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvmha.contracts.event.EventTypes;
import io.kvmha.contracts.event.KvmHaEvent;
import io.kvmha.contracts.kafka.EventDeserializer;
import io.kvmha.contracts.kafka.EventSerializer;
import io.kvmha.contracts.testing.SampleEvents;
import io.kvmha.contracts.topic.Topic;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CloudEventCodecTest {

    private final CloudEventCodec codec = new CloudEventCodec(URI.create("/kvmha/test"));
    private final EventSerializer serializer = new EventSerializer(codec);
    private final EventDeserializer deserializer = new EventDeserializer(codec);

    static Stream<KvmHaEvent> events() {
        return SampleEvents.all().stream();
    }

    @ParameterizedTest
    @MethodSource("events")
    void everyEventSurvivesTheKafkaBinaryBinding(KvmHaEvent event) {
        String topic = Topic.forEvent(event.getClass()).topicName();
        Headers headers = new RecordHeaders();

        byte[] value = serializer.serialize(topic, headers, event);

        assertThat(text(headers, "ce_type")).isEqualTo(EventTypes.of(event.getClass()).ceType()).endsWith(".v1");
        assertThat(text(headers, "ce_specversion")).isEqualTo("1.0");
        assertThat(text(headers, "ce_source")).isEqualTo("/kvmha/test");
        assertThat(text(headers, "ce_id")).isNotBlank();
        assertThat(text(headers, "ce_time")).isNotBlank();
        assertThat(text(headers, "ce_dataschema")).startsWith("urn:kvmha:schema:");
        assertThat(deserializer.deserialize(topic, headers, value)).isEqualTo(event);
    }

    @Test
    void everyEventTypeHasExactlyOneTopic() {
        assertThat(Topic.values()).hasSameSizeAs(EventTypes.all());
        EventTypes.all().forEach(t -> assertThat(Topic.forEvent(t.javaType())).isNotNull());
        assertThat(SampleEvents.all()).hasSameSizeAs(EventTypes.all());
    }

    @Test
    void badJsonIsNamed() {
        assertReason(Topic.HOST_HEARTBEATS, "io.kvmha.host.heartbeat.v1", "{oops", UnreadableRecordException.Reason.BAD_JSON);
    }

    @Test
    void missingFieldIsNamed() {
        assertThatThrownBy(() -> read(Topic.HOST_HEARTBEATS, "io.kvmha.host.heartbeat.v1",
                "{\"sequence\":1,\"agentUptimeMs\":1,\"selfFenced\":false,\"maintenance\":false}"))
                .isInstanceOf(UnreadableRecordException.class)
                .hasMessageContaining("missing-field")
                .hasMessageContaining("hostId");
    }

    @Test
    void missingPrimitiveFieldIsNamed() {
        assertThatThrownBy(() -> read(Topic.HOST_HEARTBEATS, "io.kvmha.host.heartbeat.v1", "{\"hostId\":\"h1\"}"))
                .isInstanceOf(UnreadableRecordException.class)
                .hasMessageContaining("missing-field")
                .hasMessageMatching(".*missing required field '(sequence|agentUptimeMs|selfFenced|maintenance)'.*");
    }

    @Test
    void invalidFieldIsNamed() {
        String json = "{\"vmId\":\"v\",\"name\":\"n\",\"vcpus\":0,\"memoryMib\":1,\"priority\":0,\"tier\":\"GOLD\","
                + "\"haPolicy\":\"RESTART\",\"createdAt\":\"2026-01-01T00:00:00Z\"}";
        assertThatThrownBy(() -> read(Topic.VM_SPECS, "io.kvmha.vm.spec.v1", json))
                .isInstanceOf(UnreadableRecordException.class)
                .hasMessageContaining("invalid-field")
                .hasMessageContaining("vcpus");
    }

    @Test
    void unknownTypeAndVersionAreTold() {
        assertReason(Topic.HOST_HEARTBEATS, "io.kvmha.nope.v1", "{}", UnreadableRecordException.Reason.UNKNOWN_TYPE);
        assertReason(Topic.HOST_HEARTBEATS, "io.kvmha.host.heartbeat.v7", "{}",
                UnreadableRecordException.Reason.UNSUPPORTED_VERSION);
    }

    @Test
    void anEventOnTheWrongTopicIsRefused() {
        assertReason(Topic.ALERTS, "io.kvmha.host.heartbeat.v1", "{}", UnreadableRecordException.Reason.WRONG_TOPIC);
    }

    @Test
    void aRecordWithoutHeadersIsNotACloudEvent() {
        assertThatThrownBy(() -> deserializer.deserialize("kvmha.alerts", new RecordHeaders(), "{}".getBytes()))
                .isInstanceOf(UnreadableRecordException.class)
                .extracting(e -> ((UnreadableRecordException) e).reason())
                .isEqualTo(UnreadableRecordException.Reason.NOT_A_CLOUDEVENT);
    }

    @Test
    void aTombstoneReadsAsNull() {
        assertThat(deserializer.deserialize("kvmha.vm.specs", new RecordHeaders(), (byte[]) null)).isNull();
    }

    private void assertReason(Topic topic, String ceType, String json, UnreadableRecordException.Reason reason) {
        assertThatThrownBy(() -> read(topic, ceType, json))
                .isInstanceOf(UnreadableRecordException.class)
                .extracting(e -> ((UnreadableRecordException) e).reason())
                .isEqualTo(reason);
    }

    private KvmHaEvent read(Topic topic, String ceType, String json) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_specversion", bytes("1.0"));
        headers.add("ce_id", bytes("id-1"));
        headers.add("ce_source", bytes("/test"));
        headers.add("ce_type", bytes(ceType));
        headers.add("content-type", bytes("application/json"));
        return deserializer.deserialize(topic.topicName(), headers, bytes(json));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Headers headers, String name) {
        return headers.lastHeader(name) == null ? null : new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
