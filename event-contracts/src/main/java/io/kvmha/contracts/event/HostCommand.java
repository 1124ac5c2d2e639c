package io.kvmha.contracts.event;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * An action for the agent of one host. Idempotent by {@code commandId}: a redelivered command gets its
 * first result again. An agent refuses commands addressed to another host or past their deadline.
 *
 * @param spec the VM's spec, for actions that define the domain
 */
public record HostCommand(
        String commandId,
        String hostId,
        String vmId,
        Action action,
        @Nullable VmSpec spec,
        long placementGeneration,
        @Nullable String incidentId,
        String issuedBy,
        Instant issuedAt,
        Instant deadline) implements KvmHaEvent {

    public HostCommand {
        Required.field(commandId, "commandId");
        Required.field(hostId, "hostId");
        Required.field(vmId, "vmId");
        Required.field(action, "action");
        Required.field(issuedBy, "issuedBy");
        Required.field(issuedAt, "issuedAt");
        Required.field(deadline, "deadline");
        if (action == Action.DEFINE_AND_START && spec == null) {
            throw new MissingFieldException("spec");
        }
    }

    @Override
    public String key() {
        return hostId;
    }

    public enum Action { DEFINE_AND_START, START, DESTROY, UNDEFINE }
}
