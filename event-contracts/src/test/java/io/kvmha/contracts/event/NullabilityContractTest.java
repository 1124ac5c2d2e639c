package io.kvmha.contracts.event;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvmha.contracts.testing.SampleEvents;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The schema says a field is required exactly when it is not {@code @Nullable}; this checks that every
 * record's constructor agrees: nulling a required field is refused, nulling an optional one is not.
 */
class NullabilityContractTest {

    /** Optional in general, required in some cases (documented on the record). */
    private static final java.util.Set<String> CONDITIONALLY_REQUIRED = java.util.Set.of("HostCommand.spec");

    record Case(Record sample, RecordComponent component) {
        @Override
        public String toString() {
            return sample.getClass().getSimpleName() + "." + component.getName();
        }
    }

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (KvmHaEvent event : SampleEvents.all()) {
            collect((Record) event, cases);
        }
        return cases.stream();
    }

    private static void collect(Record record, List<Case> cases) {
        for (RecordComponent component : record.getClass().getRecordComponents()) {
            Object value = read(record, component);
            if (!component.getType().isPrimitive() && !List.class.isAssignableFrom(component.getType())
                    && !Map.class.isAssignableFrom(component.getType())) {
                cases.add(new Case(record, component));
            }
            if (value instanceof Record nested) {
                collect(nested, cases);
            }
            if (value instanceof List<?> list) {
                list.stream().filter(Record.class::isInstance).map(Record.class::cast).forEach(r -> collect(r, cases));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void constructorAgreesWithNullability(Case c) {
        boolean nullable = c.component().getAnnotatedType().isAnnotationPresent(Nullable.class);
        Object[] args = Arrays.stream(c.sample().getClass().getRecordComponents())
                .map(rc -> rc.getName().equals(c.component().getName()) ? null : read(c.sample(), rc))
                .toArray();
        if (nullable && CONDITIONALLY_REQUIRED.contains(c.toString())) {
            return;
        }
        if (nullable) {
            assertThatCode(() -> construct(c.sample().getClass(), args)).doesNotThrowAnyException();
        } else {
            assertThatThrownBy(() -> construct(c.sample().getClass(), args))
                    .isInstanceOf(MissingFieldException.class)
                    .hasMessageContaining(c.component().getName());
        }
    }

    private static Object read(Record record, RecordComponent component) {
        try {
            return component.getAccessor().invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void construct(Class<?> type, Object[] args) throws Throwable {
        Class<?>[] types = Arrays.stream(type.getRecordComponents()).map(RecordComponent::getType).toArray(Class<?>[]::new);
        Constructor<?> constructor = type.getDeclaredConstructor(types);
        try {
            constructor.newInstance(args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
