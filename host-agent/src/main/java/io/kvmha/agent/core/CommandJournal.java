package io.kvmha.agent.core;

import io.kvmha.contracts.event.CommandResult;
import io.kvmha.contracts.event.HostCommand;
import java.time.Instant;
import java.util.Optional;

/**
 * What this agent has done with its recent commands, by command id: which ones it began executing and what came of
 * them. A command found here is never executed again, so a command redelivered after an agent restart or a power
 * loss (its result unpublished, its offset uncommitted) cannot change the hypervisor twice. Bounded: the oldest
 * commands are forgotten first. Implementations are thread-safe.
 */
public interface CommandJournal {

    /** What is recorded of this command, if it is among the remembered ones. */
    Optional<Entry> find(String commandId);

    /**
     * Records that this command is about to act on the hypervisor. Durable when it returns (a power loss right
     * after cannot lose it).
     *
     * @throws java.io.UncheckedIOException when it could not be recorded: the command must then not be executed
     */
    void started(HostCommand command, Instant at);

    /** Records a command's final result (also of commands refused without being started). */
    void finished(CommandResult result);

    /**
     * One remembered command.
     *
     * @param startedAt when its execution began; null for a command refused before touching the hypervisor
     * @param result    its final result; null while it runs, or when the agent died before it ended
     */
    record Entry(String commandId, HostCommand.Action action, String vmId, Instant startedAt, CommandResult result) {

        /** Began executing and has no recorded outcome. */
        public boolean outcomeUnknown() {
            return result == null;
        }
    }
}
