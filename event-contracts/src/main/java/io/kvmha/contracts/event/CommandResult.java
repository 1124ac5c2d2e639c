package io.kvmha.contracts.event;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** The outcome of one host command; on failure {@code error} carries libvirt's own message. */
public record CommandResult(
        String commandId,
        String hostId,
        @Nullable String vmId,
        HostCommand.@Nullable Action action,
        Outcome outcome,
        @Nullable String error,
        long durationMs,
        @Nullable String incidentId,
        Instant completedAt) implements KvmHaEvent {

    public CommandResult {
        Required.field(commandId, "commandId");
        Required.field(hostId, "hostId");
        Required.field(outcome, "outcome");
        Required.field(completedAt, "completedAt");
    }

    @Override
    public String key() {
        return hostId;
    }

    public enum Outcome {
        SUCCEEDED,
        FAILED,
        /** Not executed: wrong host, past its deadline, or unreadable. */
        REJECTED
    }
}
