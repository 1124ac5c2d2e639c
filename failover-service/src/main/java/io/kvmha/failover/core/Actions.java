package io.kvmha.failover.core;

import io.kvmha.contracts.event.KvmHaEvent;
import io.kvmha.contracts.event.RecoveryRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What the core decided: events to publish (in this order), lines to log, phase durations to record,
 * incidents that closed and hosts to fence. Adapters carry them out; the core never touches Kafka, a
 * BMC or a logger.
 */
public record Actions(List<KvmHaEvent> events, List<OperatorNote> notes, Map<RecoveryPhase, Duration> durations,
                      List<RecoveryRecord.Status> closed, List<FenceRequest> fences) {

    public static final Actions NONE = new Actions(List.of(), List.of(), Map.of(), List.of(), List.of());

    public Actions {
        events = List.copyOf(events);
        notes = List.copyOf(notes);
        durations = Map.copyOf(durations);
        closed = List.copyOf(closed);
        fences = List.copyOf(fences);
    }

    public static Actions note(OperatorNote note) {
        return new Actions(List.of(), List.of(note), Map.of(), List.of(), List.of());
    }

    public boolean isEmpty() {
        return events.isEmpty() && notes.isEmpty() && durations.isEmpty() && closed.isEmpty() && fences.isEmpty();
    }

    /** These actions followed by {@code next}. */
    public Actions then(Actions next) {
        if (next.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return next;
        }
        return builder().add(this).add(next).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects actions while one decision is being made. */
    public static final class Builder {
        private final List<KvmHaEvent> events = new ArrayList<>();
        private final List<OperatorNote> notes = new ArrayList<>();
        private final Map<RecoveryPhase, Duration> durations = new EnumMap<>(RecoveryPhase.class);
        private final List<RecoveryRecord.Status> closed = new ArrayList<>();
        private final List<FenceRequest> fences = new ArrayList<>();

        public Builder publish(KvmHaEvent event) {
            events.add(event);
            return this;
        }

        public Builder note(OperatorNote note) {
            notes.add(note);
            return this;
        }

        public Builder duration(RecoveryPhase phase, Duration duration) {
            if (duration != null && !duration.isNegative()) {
                durations.put(phase, duration);
            }
            return this;
        }

        public Builder closed(RecoveryRecord.Status status) {
            closed.add(status);
            return this;
        }

        public Builder fence(FenceRequest request) {
            fences.add(request);
            return this;
        }

        public Builder add(Actions actions) {
            events.addAll(actions.events());
            notes.addAll(actions.notes());
            durations.putAll(actions.durations());
            closed.addAll(actions.closed());
            fences.addAll(actions.fences());
            return this;
        }

        public Actions build() {
            return new Actions(events, notes, durations, closed, fences);
        }
    }
}
