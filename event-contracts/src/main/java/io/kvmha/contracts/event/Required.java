package io.kvmha.contracts.event;

import java.util.List;
import java.util.Map;

/** Checks used by the records' constructors, so a record missing a required field can never exist. */
final class Required {
    private Required() {
    }

    static <T> T field(T value, String name) {
        if (value == null) {
            throw new MissingFieldException(name);
        }
        if (value instanceof String s && s.isBlank()) {
            throw new MissingFieldException(name);
        }
        return value;
    }

    static <T> List<T> list(List<T> value) {
        return value == null ? List.of() : List.copyOf(value);
    }

    static <K, V> Map<K, V> map(Map<K, V> value) {
        return value == null ? Map.of() : Map.copyOf(value);
    }
}
