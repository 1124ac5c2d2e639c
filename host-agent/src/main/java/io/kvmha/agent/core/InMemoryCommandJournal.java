package io.kvmha.agent.core;

import io.kvmha.contracts.event.CommandResult;
import io.kvmha.contracts.event.HostCommand;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link CommandJournal} in memory: lost with the process unless the object outlives it (as the fault-soak's
 * simulated disk does). Also the index of {@link FileCommandJournal}. Bounded: beyond {@code capacity} commands the
 * oldest is forgotten.
 */
public final class InMemoryCommandJournal implements CommandJournal {

    private final Map<String, Entry> entries;

    public InMemoryCommandJournal(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.entries = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > capacity;
            }
        };
    }

    @Override
    public synchronized Optional<Entry> find(String commandId) {
        return Optional.ofNullable(entries.get(commandId));
    }

    @Override
    public void started(HostCommand command, Instant at) {
        record(new Entry(command.commandId(), command.action(), command.vmId(), at, null));
    }

    @Override
    public void finished(CommandResult result) {
        record(new Entry(result.commandId(), result.action(), result.vmId(), null, result));
    }

    /** Adds an entry, or completes the one of the same command (its start time kept). */
    synchronized Entry record(Entry entry) {
        Entry before = entries.get(entry.commandId());
        Entry merged = before == null ? entry
                : new Entry(entry.commandId(), entry.action(), entry.vmId(),
                        entry.startedAt() != null ? entry.startedAt() : before.startedAt(),
                        entry.result() != null ? entry.result() : before.result());
        entries.put(merged.commandId(), merged);
        return merged;
    }

    /** The remembered commands, oldest first. */
    synchronized List<Entry> entries() {
        return List.copyOf(entries.values());
    }

    public synchronized int size() {
        return entries.size();
    }
}
