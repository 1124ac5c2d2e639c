package io.kvmha.monitor.core;

import io.kvmha.contracts.event.HostHealthChange;
import io.kvmha.contracts.event.HostState;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The latest health state of every host this instance has seen, for the {@code kvmha_hosts} gauge. Thread-safe. */
public final class HostStateCounts {

    private final Map<String, HostState> states = new HashMap<>();

    /** Level-triggered: applying the same change again changes nothing. */
    public synchronized void apply(HostHealthChange change) {
        states.put(change.hostId(), change.current());
    }

    public synchronized void remove(String hostId) {
        states.remove(hostId);
    }

    public synchronized void forget(Collection<String> hostIds) {
        hostIds.forEach(states::remove);
    }

    public synchronized long count(HostState state) {
        return states.values().stream().filter(s -> s == state).count();
    }

    public synchronized Optional<HostState> stateOf(String hostId) {
        return Optional.ofNullable(states.get(hostId));
    }
}
