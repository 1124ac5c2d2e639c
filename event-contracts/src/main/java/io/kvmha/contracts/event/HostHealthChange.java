package io.kvmha.contracts.event;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A transition of a host's health, with the evidence that caused it. Compacted by host id, so the
 * latest state of every host survives; the history lives in the incident records.
 */
public record HostHealthChange(
        String hostId,
        @Nullable HostState previous,
        HostState current,
        List<String> evidence,
        @Nullable String incidentId,
        Instant changedAt) implements KvmHaEvent {

    public HostHealthChange {
        Required.field(hostId, "hostId");
        Required.field(current, "current");
        Required.field(changedAt, "changedAt");
        evidence = Required.list(evidence);
    }

    @Override
    public String key() {
        return hostId;
    }
}
