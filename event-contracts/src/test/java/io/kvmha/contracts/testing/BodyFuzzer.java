package io.kvmha.contracts.testing;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import tools.jackson.databind.json.JsonMapper;

/**
 * Seeded mutations of a valid JSON request body, for the services' REST fuzz tests: every answer to them must be
 * a success (the mutation happened to stay valid) or a 4xx problem, never a 5xx.
 */
public final class BodyFuzzer {

    /** The kinds of damage done to a body. */
    public enum Mutation {
        /** One or two fields get a value of another JSON type, a null inside a list or map, a huge number... */
        WRONG_TYPES,
        /** A few bytes replaced at random. */
        FLIP_BYTES,
        /** Cut at a random length. */
        TRUNCATE,
        /** Random bytes, not JSON at all. */
        RANDOM_BYTES,
        /** 1 MiB strings, or maps of 50,000 entries. */
        OVERSIZE,
        /** 20,000 nested arrays. */
        DEEP_NESTING;

        /** How many cases of this kind are worth running (large inputs are few). */
        public int cases(int usual) {
            return this == OVERSIZE || this == DEEP_NESTING ? 2 : usual;
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Random random;

    public BodyFuzzer(long seed) {
        this.random = new Random(seed);
    }

    public Random random() {
        return random;
    }

    /** Case {@code i} of {@code mutation} applied to {@code valid} (a JSON object). */
    public byte[] mutate(Mutation mutation, Map<String, ?> valid, int i) {
        byte[] bytes = JSON.writeValueAsBytes(valid);
        return switch (mutation) {
            case WRONG_TYPES -> wrongTypes(valid);
            case FLIP_BYTES -> {
                byte[] copy = bytes.clone();
                for (int f = 1 + random.nextInt(6); f > 0; f--) {
                    copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
                }
                yield copy;
            }
            case TRUNCATE -> Arrays.copyOf(bytes, random.nextInt(bytes.length));
            case RANDOM_BYTES -> {
                byte[] garbage = new byte[random.nextInt(512)];
                random.nextBytes(garbage);
                yield garbage;
            }
            case OVERSIZE -> oversized(valid, i);
            case DEEP_NESTING -> {
                int depth = 20_000;
                String first = valid.keySet().stream().findFirst().orElse("a");
                yield ("{\"" + first + "\":" + "[".repeat(depth) + "]".repeat(depth) + "}").getBytes(StandardCharsets.UTF_8);
            }
        };
    }

    private byte[] wrongTypes(Map<String, ?> valid) {
        Map<String, Object> tree = new LinkedHashMap<>(valid);
        List<String> names = new ArrayList<>(tree.keySet());
        for (int f = 1 + random.nextInt(2); f > 0 && !names.isEmpty(); f--) {
            tree.put(names.get(random.nextInt(names.size())), wrongValue());
        }
        return switch (random.nextInt(20)) {
            case 0 -> "[]".getBytes(StandardCharsets.UTF_8);
            case 1 -> "null".getBytes(StandardCharsets.UTF_8);
            case 2 -> new byte[0];
            case 3 -> "\"a string\"".getBytes(StandardCharsets.UTF_8);
            default -> JSON.writeValueAsBytes(tree);
        };
    }

    private byte[] oversized(Map<String, ?> valid, int i) {
        Map<String, Object> tree = new LinkedHashMap<>(valid);
        if (i % 2 == 0) {
            String huge = "x".repeat(1 << 20);
            tree.replaceAll((k, v) -> v instanceof String ? huge : v);
            tree.put("unknownHuge", huge);
        } else {
            Map<String, String> many = new LinkedHashMap<>();
            for (int n = 0; n < 50_000; n++) {
                many.put("k" + n, "v" + n);
            }
            tree.replaceAll((k, v) -> v instanceof Map ? many : v);
            tree.put("unknownMany", many);
        }
        return JSON.writeValueAsBytes(tree);
    }

    /** A value of a type the field most likely does not take. */
    public Object wrongValue() {
        Map<String, Object> withNull = new LinkedHashMap<>();
        withNull.put("k", null);
        List<Object> listWithNull = new ArrayList<>();
        listWithNull.add(null);
        return switch (random.nextInt(16)) {
            case 0 -> random.nextLong();
            case 1 -> "not-" + random.nextInt();
            case 2 -> random.nextBoolean();
            case 3 -> List.of(1, "two");
            case 4 -> Map.of("unexpected", true);
            case 5 -> withNull;
            case 6 -> listWithNull;
            case 7 -> new BigInteger("123456789012345678901234567890");
            case 8 -> 1.5e300;
            case 9 -> -1;
            case 10 -> 0;
            case 11 -> "";
            case 12 -> Integer.MAX_VALUE;
            case 13 -> "../../etc/passwd";
            case 14 -> "\u0000\u202e";
            default -> null;
        };
    }

    /** An id for a path: known-looking, unknown, blank-ish, very long, or a UUID. */
    public String pathSegment(String known) {
        return switch (random.nextInt(5)) {
            case 0 -> known;
            case 1 -> "no-such-" + random.nextInt(1000);
            case 2 -> "%20";
            case 3 -> "x".repeat(1 + random.nextInt(300));
            default -> UUID.randomUUID().toString();
        };
    }

    /** The start of a body, for a failure message. */
    public static String preview(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        return text.length() > 300 ? text.substring(0, 300) + "...(" + body.length + " bytes)" : text;
    }
}
