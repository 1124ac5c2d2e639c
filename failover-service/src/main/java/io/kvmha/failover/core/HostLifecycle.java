package io.kvmha.failover.core;

import io.kvmha.contracts.event.HostState;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The allowed moves of a host's state machine. The skeleton uses ONLINE, SUSPECT and DOWN; the other
 * states are reserved for fencing (FENCING, FENCED), rejoin (RECOVERING) and maintenance windows, and
 * their moves are listed so those features extend this table instead of rewriting the tracker.
 */
public final class HostLifecycle {

    private static final Map<HostState, Set<HostState>> ALLOWED = Map.of(
            HostState.ONLINE, EnumSet.of(HostState.SUSPECT, HostState.DOWN, HostState.MAINTENANCE),
            HostState.SUSPECT, EnumSet.of(HostState.ONLINE, HostState.DOWN, HostState.FENCING, HostState.MAINTENANCE),
            HostState.DOWN, EnumSet.of(HostState.ONLINE, HostState.FENCING, HostState.RECOVERING),
            HostState.FENCING, EnumSet.of(HostState.FENCED, HostState.DOWN),
            HostState.FENCED, EnumSet.of(HostState.RECOVERING),
            HostState.RECOVERING, EnumSet.of(HostState.ONLINE, HostState.DOWN),
            HostState.MAINTENANCE, EnumSet.of(HostState.ONLINE));

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
