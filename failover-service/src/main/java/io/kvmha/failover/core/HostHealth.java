package io.kvmha.failover.core;

import io.kvmha.contracts.event.HostState;
import java.time.Instant;
import java.util.List;

/** A host's current state, since when, and the evidence of the transition that put it there. */
public record HostHealth(String hostId, HostState state, Instant since, List<String> evidence) {

    public HostHealth {
        evidence = List.copyOf(evidence);
    }
}
