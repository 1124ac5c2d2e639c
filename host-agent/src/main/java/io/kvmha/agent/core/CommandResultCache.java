package io.kvmha.agent.core;

import io.kvmha.contracts.event.CommandResult;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The results of the most recent commands, by command id, so a redelivered command gets its first
 * result again instead of running twice. Bounded: the oldest results are forgotten first. In memory
 * only for now; an agent restart forgets them (a durable record is later work).
 */
final class CommandResultCache {

    private final Map<String, CommandResult> results;

    CommandResultCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.results = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, CommandResult> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized Optional<CommandResult> get(String commandId) {
        return Optional.ofNullable(results.get(commandId));
    }

    synchronized void put(CommandResult result) {
        results.put(result.commandId(), result);
    }

    synchronized int size() {
        return results.size();
    }
}
