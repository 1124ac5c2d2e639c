package io.kvmha.contracts.event;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of one host command; on failure {@code error} carries libvirt's own message. A long
 * command (a migration) also reports IN_PROGRESS results before its final one.
 *
 * @param progressPercent for IN_PROGRESS results, how far the command is (0-100)
 * @param detail          what was done, for operators ("defined and started", "already running")
 */
public record CommandResult(
        String commandId,
        String hostId,
        @Nullable String vmId,
        HostCommand.@Nullable Action action,
        Outcome outcome,
        @Nullable String error,
        long durationMs,
        @Nullable String incidentId,
        Instant completedAt,
        @Nullable Integer progressPercent,
        @Nullable String detail) implements KvmHaEvent {

    public CommandResult {
        Required.field(commandId, "commandId");
        Required.field(hostId, "hostId");
        Required.field(outcome, "outcome");
        Required.field(completedAt, "completedAt");
    }

    /** A final result without progress or detail. */
    public CommandResult(String commandId, String hostId, @Nullable String vmId, HostCommand.@Nullable Action action,
                         Outcome outcome, @Nullable String error, long durationMs, @Nullable String incidentId,
                         Instant completedAt) {
        this(commandId, hostId, vmId, action, outcome, error, durationMs, incidentId, completedAt, null, null);
    }

    @Override
    public String key() {
        return hostId;
    }

    /** Whether this is the command's last word (not a progress report). */
    public boolean isFinal() {
        return outcome != Outcome.IN_PROGRESS;
    }

    public enum Outcome {
        SUCCEEDED,
        FAILED,
        /** Not executed: wrong host, past its deadline, or unreadable. */
        REJECTED,
        /** Still running; more results follow. */
        IN_PROGRESS
    }
}
