package io.kvmha.contracts.event;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A change in a domain's life as libvirt reported it (or as the agent reconstructed it after a
 * disconnection: then {@code reconciled} is true).
 *
 * @param commandId the command that caused it, when the agent knows; absent for crashes and outside actions
 */
public record VmLifecycleEvent(
        String vmId,
        String hostId,
        @Nullable String name,
        Kind kind,
        @Nullable Reason reason,
        boolean reconciled,
        @Nullable String commandId,
        Instant occurredAt) implements KvmHaEvent {

    public VmLifecycleEvent {
        Required.field(vmId, "vmId");
        Required.field(hostId, "hostId");
        Required.field(kind, "kind");
        Required.field(occurredAt, "occurredAt");
        if (reason == null) {
            reason = Reason.UNKNOWN;
        }
    }

    @Override
    public String key() {
        return vmId;
    }

    public enum Kind { DEFINED, UNDEFINED, STARTED, SUSPENDED, RESUMED, STOPPED }

    /** Why, for STOPPED above all: a crash is not a requested stop. */
    public enum Reason { BOOTED, MIGRATED, RESTORED, CRASHED, FAILED, DESTROYED, SHUTDOWN, SAVED, PAUSED, UNKNOWN }
}
