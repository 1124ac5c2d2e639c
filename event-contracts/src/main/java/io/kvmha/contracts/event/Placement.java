package io.kvmha.contracts.event;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The scheduler's claim that a VM belongs on a host, with the NUMA cells it uses. Compacted by VM id:
 * the latest placement of every VM is the ledger. {@code generation} grows with every re-placement,
 * so a command made for an older placement can be recognised as stale.
 *
 * @param incidentId set when the placement was made to recover from a failure
 */
public record Placement(
        String vmId,
        String hostId,
        long generation,
        List<Integer> numaCells,
        @Nullable String reason,
        @Nullable String incidentId,
        Instant placedAt) implements KvmHaEvent {

    public Placement {
        Required.field(vmId, "vmId");
        Required.field(hostId, "hostId");
        Required.field(placedAt, "placedAt");
        numaCells = Required.list(numaCells);
    }

    @Override
    public String key() {
        return vmId;
    }
}
