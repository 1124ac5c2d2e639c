package io.kvmha.contracts.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.kvmha.contracts.codec.CloudEventCodec;
import io.kvmha.contracts.codec.UnreadableRecordException;
import io.kvmha.contracts.event.KvmHaEvent;
import io.kvmha.contracts.kafka.EventDeserializer;
import io.kvmha.contracts.kafka.EventSerializer;
import io.kvmha.contracts.testing.SampleEvents;
import io.kvmha.contracts.topic.Topic;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Seeded fuzzing of the one deserializer every consumer uses, for every event type: flipped bytes, truncation,
 * oversized and deeply nested payloads, fields of the wrong JSON type, broken CloudEvents headers. Each input
 * either reads as an event of its topic's type or fails with {@link UnreadableRecordException}, whose reason is a
 * dead-letter reason (never {@code processing-failed}); no other exception, and no hang (a generous timeout
 * guards the whole run). A failure prints the seed and case to reproduce it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EventDeserializerFuzzTest {

    private static final long SEED = 20261127L;
    private static final int CASES_PER_MUTATION = 40;
    private static final Set<String> DEAD_LETTER_REASONS = Arrays.stream(UnreadableRecordException.Reason.values())
            .map(UnreadableRecordException.Reason::code).collect(Collectors.toSet());

    private final CloudEventCodec codec = new CloudEventCodec(URI.create("/kvmha/fuzz"));
    private final EventSerializer serializer = new EventSerializer(codec);
    private final EventDeserializer deserializer = new EventDeserializer(codec);
    private final JsonMapper json = JsonMapper.builder().build();

    enum Mutation { FLIP_BYTES, TRUNCATE, OVERSIZE, DEEP_NESTING, WRONG_TYPES, BROKEN_HEADERS, RANDOM_BYTES }

    record Sample(KvmHaEvent event, Mutation mutation) {
        @Override
        public String toString() {
            return event.getClass().getSimpleName() + " " + mutation;
        }
    }

    static Stream<Sample> samples() {
        List<Sample> samples = new ArrayList<>();
        for (KvmHaEvent event : SampleEvents.all()) {
            for (Mutation mutation : Mutation.values()) {
                samples.add(new Sample(event, mutation));
            }
        }
        return samples.stream();
    }

    private record Input(RecordHeaders headers, byte[] value, String description) {
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void everyMalformedInputIsAnEventOrADeadLetter(Sample sample) {
        Topic topic = Topic.forEvent(sample.event().getClass());
        Random random = new Random(SEED ^ sample.toString().hashCode());
        RecordHeaders original = new RecordHeaders();
        byte[] value = serializer.serialize(topic.topicName(), original, sample.event());
        int cases = sample.mutation() == Mutation.OVERSIZE || sample.mutation() == Mutation.DEEP_NESTING ? 1 : CASES_PER_MUTATION;
        for (int i = 0; i < cases; i++) {
            Input input = mutate(sample.mutation(), original, value, random, i);
            try {
                KvmHaEvent read = deserializer.deserialize(topic.topicName(), input.headers(), input.value());
                if (read != null) {
                    assertThat(read).isInstanceOf(topic.eventType());
                }
            } catch (UnreadableRecordException e) {
                assertThat(DeadLetterRouter.reasonCode(e)).isIn(DEAD_LETTER_REASONS);
            } catch (Throwable t) {
                fail("seed " + SEED + " case " + sample + " #" + i + " (" + input.description() + ") threw "
                        + t.getClass().getName() + ": " + t.getMessage(), t);
            }
        }
    }

    private Input mutate(Mutation mutation, RecordHeaders headers, byte[] value, Random random, int i) {
        return switch (mutation) {
            case FLIP_BYTES -> {
                byte[] copy = value.clone();
                int flips = 1 + random.nextInt(8);
                for (int f = 0; f < flips; f++) {
                    copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
                }
                yield new Input(copy(headers), copy, flips + " flipped bytes");
            }
            case TRUNCATE -> {
                int length = random.nextInt(value.length);
                yield new Input(copy(headers), Arrays.copyOf(value, length), "truncated to " + length);
            }
            case OVERSIZE -> {
                ObjectNode tree = (ObjectNode) json.readTree(value);
                String huge = "x".repeat(1 << 20);
                tree.put(tree.propertyNames().iterator().next(), huge);
                tree.put("unknownHugeField", huge);
                yield new Input(copy(headers), json.writeValueAsBytes(tree), "two 1 MiB strings");
            }
            case DEEP_NESTING -> {
                int depth = 20_000;
                String nested = "{\"a\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
                yield new Input(copy(headers), nested.getBytes(StandardCharsets.UTF_8), "nesting depth " + depth);
            }
            case WRONG_TYPES -> {
                ObjectNode tree = (ObjectNode) json.readTree(value);
                List<String> names = new ArrayList<>(tree.propertyNames());
                String field = names.get(random.nextInt(names.size()));
                JsonNode wrong = wrongValue(random);
                tree.set(field, wrong);
                yield new Input(copy(headers), json.writeValueAsBytes(tree), field + " = " + wrong);
            }
            case BROKEN_HEADERS -> {
                RecordHeaders broken = copy(headers);
                List<String> names = new ArrayList<>();
                broken.forEach(h -> names.add(h.key()));
                String name = names.get(random.nextInt(names.size()));
                broken.remove(name);
                String what = "removed " + name;
                if (random.nextBoolean()) {
                    byte[] garbage = new byte[random.nextInt(40)];
                    random.nextBytes(garbage);
                    broken.add(name, garbage);
                    what = "garbled " + name;
                }
                yield new Input(broken, value, what);
            }
            case RANDOM_BYTES -> {
                byte[] garbage = new byte[random.nextInt(2048)];
                random.nextBytes(garbage);
                yield new Input(copy(headers), garbage, garbage.length + " random bytes");
            }
        };
    }

    private static JsonNode wrongValue(Random random) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        return switch (random.nextInt(8)) {
            case 0 -> nodes.numberNode(random.nextLong());
            case 1 -> nodes.textNode("not-" + random.nextInt());
            case 2 -> nodes.booleanNode(random.nextBoolean());
            case 3 -> nodes.arrayNode().add(nodes.nullNode()).add(1);
            case 4 -> nodes.objectNode().put("unexpected", true);
            case 5 -> nodes.nullNode();
            case 6 -> nodes.numberNode(1e308 * 10);
            default -> nodes.textNode("");
        };
    }

    private static RecordHeaders copy(RecordHeaders headers) {
        RecordHeaders copy = new RecordHeaders();
        for (Header h : headers) {
            copy.add(h.key(), h.value().clone());
        }
        return copy;
    }

}
