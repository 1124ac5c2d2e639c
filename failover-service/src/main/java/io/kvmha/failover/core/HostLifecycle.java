package io.kvmha.failover.core;

import io.kvmha.contracts.event.HostState;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The allowed moves of a host's state machine: detection (ONLINE, SUSPECT, DOWN), fencing (FENCING,
 * FENCED), rejoin (RECOVERING: a fenced host is back, its stale VMs are being removed) and maintenance.
 */
public final class HostLifecycle {

    private static final Map<HostState, Set<HostState>> ALLOWED = Map.of(
            HostState.ONLINE, EnumSet.of(HostState.SUSPECT, HostState.DOWN, HostState.MAINTENANCE),
            HostState.SUSPECT, EnumSet.of(HostState.ONLINE, HostState.DOWN, HostState.MAINTENANCE),
            // DOWN -> ONLINE: a host whose fencing failed (nothing was restarted) heartbeats again.
            HostState.DOWN, EnumSet.of(HostState.ONLINE, HostState.FENCING),
            // FENCING -> DOWN: fencing failed; FENCING -> ONLINE: the host proved alive before anything restarted.
            HostState.FENCING, EnumSet.of(HostState.FENCED, HostState.DOWN, HostState.ONLINE),
            // FENCED -> RECOVERING: the fenced host heartbeats again and its stale VMs are being removed.
            HostState.FENCED, EnumSet.of(HostState.RECOVERING),
            HostState.RECOVERING, EnumSet.of(HostState.ONLINE, HostState.DOWN),
            // MAINTENANCE -> DOWN: an operator forces the fencing of a host in maintenance.
            HostState.MAINTENANCE, EnumSet.of(HostState.ONLINE, HostState.DOWN));

    private HostLifecycle() {
    }

    public static boolean allows(HostState from, HostState to) {
        return ALLOWED.getOrDefault(from, Set.of()).contains(to);
    }

    static void require(HostState from, HostState to, String hostId) {
        if (!allows(from, to)) {
            throw new IllegalStateException("host " + hostId + ": no transition " + from + " -> " + to);
        }
    }
}
