package io.kvmha.contracts.asyncapi;

import io.kvmha.contracts.event.EventTypes;
import io.kvmha.contracts.event.EventTypes.EventType;
import io.kvmha.contracts.topic.Topic;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Derives the AsyncAPI 3 description of kvm-ha's topics from the code: the topic catalogue for
 * channels and Kafka bindings, the event records for payload schemas. {@code docs/asyncapi.yaml}
 * must equal what this derives; the test that compares them says how to regenerate it.
 */
final class AsyncApiDocument {

    private static final String KAFKA_BINDING_VERSION = "0.5.0";
    private final Map<String, Object> schemas = new LinkedHashMap<>();

    Map<String, Object> build(String version) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("asyncapi", "3.0.0");
        doc.put("info", map(
                "title", "kvm-ha events",
                "version", version,
                "description", "Every Kafka topic of kvm-ha. Events travel as CloudEvents in the Kafka binary "
                        + "binding: ce_* headers, JSON data. The CloudEvents type carries the schema version "
                        + "(io.kvmha.<name>.v<version>). Every topic has a dead-letter twin (<topic>.dlt) that "
                        + "receives records that could not be read, untouched, with the reason in headers."));
        doc.put("defaultContentType", "application/json");
        doc.put("servers", map("local", map(
                "host", "localhost:9092",
                "protocol", "kafka",
                "description", "The local cluster's broker")));

        Map<String, Object> channels = new LinkedHashMap<>();
        Map<String, Object> operations = new LinkedHashMap<>();
        Map<String, Object> messages = new LinkedHashMap<>();
        schemas.put("CloudEventHeaders", cloudEventHeaders());
        schemas.put("DeadLetterHeaders", deadLetterHeaders());
        for (Topic topic : Topic.values()) {
            EventType type = EventTypes.of(topic.eventType());
            String channel = camel(topic.name());
            String message = topic.eventType().getSimpleName() + "V" + type.version();
            messages.put(message, map(
                    "name", type.ceType(),
                    "title", topic.eventType().getSimpleName() + " v" + type.version(),
                    "contentType", "application/json",
                    "headers", ref("schemas", "CloudEventHeaders"),
                    "payload", schemaOf(topic.eventType()),
                    "bindings", map("kafka", map(
                            "key", map("type", "string", "description", topic.key()),
                            "bindingVersion", KAFKA_BINDING_VERSION))));
            channels.put(channel, map(
                    "address", topic.topicName(),
                    "description", topic.description() + " Key: " + topic.key() + ".",
                    "messages", map(message, ref("messages", message)),
                    "bindings", map("kafka", topicBinding(topic.topicName(), topic.partitions(),
                            topic.cleanup() == Topic.Cleanup.COMPACT ? "compact" : "delete",
                            topic.retention().map(r -> r.toMillis()).orElse(-1L)))));
            operations.put("send" + capital(channel), map(
                    "action", "send",
                    "channel", ref("channels", channel),
                    "messages", List.of(ref("channels", channel + "/messages/" + message))));

            String deadChannel = channel + "DeadLetters";
            channels.put(deadChannel, map(
                    "address", topic.deadLetterTopicName(),
                    "description", "Records of " + topic.topicName() + " that could not be read or processed, "
                            + "as they arrived, with kvmha_dlt_reason, kvmha_dlt_detail, kvmha_dlt_origin and "
                            + "kafka_dlt-* headers.",
                    "messages", map("deadLetter", ref("messages", "DeadLetter")),
                    "bindings", map("kafka", topicBinding(topic.deadLetterTopicName(), 1, "delete",
                            Topic.DEAD_LETTER_RETENTION.toMillis()))));
        }
        messages.put("DeadLetter", map(
                "name", "dead-letter",
                "title", "A record that could not be read",
                "contentType", "application/octet-stream",
                "headers", ref("schemas", "DeadLetterHeaders"),
                "payload", map("type", "string", "description", "The original record value, byte for byte.")));
        doc.put("channels", channels);
        doc.put("operations", operations);
        doc.put("components", map("messages", messages, "schemas", schemas));
        return doc;
    }

    private static Map<String, Object> topicBinding(String name, int partitions, String cleanup, long retentionMs) {
        return map(
                "topic", name,
                "partitions", partitions,
                "topicConfiguration", map("cleanup.policy", List.of(cleanup), "retention.ms", retentionMs),
                "bindingVersion", KAFKA_BINDING_VERSION);
    }

    private Map<String, Object> schemaOf(Type type) {
        if (type instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            if (List.class.isAssignableFrom(raw)) {
                return map("type", "array", "items", schemaOf(p.getActualTypeArguments()[0]));
            }
            if (Map.class.isAssignableFrom(raw)) {
                return map("type", "object", "additionalProperties", schemaOf(p.getActualTypeArguments()[1]));
            }
            throw new IllegalArgumentException("no schema for " + type);
        }
        Class<?> c = (Class<?>) type;
        if (c == String.class) {
            return map("type", "string");
        }
        if (c == Instant.class) {
            return map("type", "string", "format", "date-time");
        }
        if (c == int.class || c == Integer.class) {
            return map("type", "integer", "format", "int32");
        }
        if (c == long.class || c == Long.class) {
            return map("type", "integer", "format", "int64");
        }
        if (c == double.class || c == Double.class) {
            return map("type", "number", "format", "double");
        }
        if (c == boolean.class || c == Boolean.class) {
            return map("type", "boolean");
        }
        if (c.isEnum()) {
            return map("type", "string", "enum", Arrays.stream(c.getEnumConstants()).map(Object::toString).toList());
        }
        if (c.isRecord()) {
            String name = schemaName(c);
            if (!schemas.containsKey(name)) {
                schemas.put(name, null); // reserve: records may nest
                schemas.put(name, recordSchema(c));
            }
            return ref("schemas", name);
        }
        throw new IllegalArgumentException("no schema for " + c);
    }

    private Map<String, Object> recordSchema(Class<?> record) {
        Map<String, Object> properties = new LinkedHashMap<>();
        List<String> required = new ArrayList<>();
        for (RecordComponent component : record.getRecordComponents()) {
            properties.put(component.getName(), schemaOf(component.getGenericType()));
            if (isRequired(component)) {
                required.add(component.getName());
            }
        }
        return map("type", "object", "required", required, "properties", properties);
    }

    /** Primitives and non-@Nullable references are required; absent lists and maps read as empty. */
    static boolean isRequired(RecordComponent component) {
        Class<?> type = component.getType();
        if (List.class.isAssignableFrom(type) || Map.class.isAssignableFrom(type)) {
            return false;
        }
        return type.isPrimitive() || !isNullable(component);
    }

    static boolean isNullable(RecordComponent component) {
        return component.getAnnotatedType().isAnnotationPresent(Nullable.class);
    }

    private static String schemaName(Class<?> c) {
        return c.getEnclosingClass() == null ? c.getSimpleName() : schemaName(c.getEnclosingClass()) + "." + c.getSimpleName();
    }

    private static Map<String, Object> cloudEventHeaders() {
        return map("type", "object",
                "required", List.of("ce_id", "ce_source", "ce_type", "ce_specversion"),
                "properties", map(
                        "ce_id", map("type", "string", "description", "Unique id of this event"),
                        "ce_source", map("type", "string", "description", "/kvmha/<service>[/<host>]"),
                        "ce_type", map("type", "string", "description", "io.kvmha.<name>.v<version>"),
                        "ce_specversion", map("type", "string", "const", "1.0"),
                        "ce_time", map("type", "string", "format", "date-time"),
                        "ce_subject", map("type", "string", "description", "The record key"),
                        "ce_dataschema", map("type", "string", "description", "urn:kvmha:schema:<name>:<version>"),
                        "content-type", map("type", "string", "const", "application/json")));
    }

    private static Map<String, Object> deadLetterHeaders() {
        return map("type", "object",
                "required", List.of("kvmha_dlt_reason", "kvmha_dlt_origin"),
                "properties", map(
                        "kvmha_dlt_reason", map("type", "string", "enum", List.of("not-a-cloudevent", "unknown-type",
                                "unsupported-version", "wrong-topic", "bad-json", "missing-field", "invalid-field",
                                "processing-failed")),
                        "kvmha_dlt_detail", map("type", "string", "description", "What is wrong, naming the field or type"),
                        "kvmha_dlt_origin", map("type", "string", "description", "<topic>/<partition>@<offset>"),
                        "kvmha_dlt_group", map("type", "string", "description", "The consumer group that failed")));
    }

    private static Map<String, Object> ref(String kind, String name) {
        String prefix = kind.equals("channels") ? "#/channels/" : "#/components/" + kind + "/";
        return map("$ref", prefix + name);
    }

    private static String camel(String enumName) {
        String[] parts = enumName.toLowerCase().split("_");
        StringBuilder sb = new StringBuilder(parts[0]);
        for (int i = 1; i < parts.length; i++) {
            sb.append(capital(parts[i]));
        }
        return sb.toString();
    }

    private static String capital(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static Map<String, Object> map(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }
}
