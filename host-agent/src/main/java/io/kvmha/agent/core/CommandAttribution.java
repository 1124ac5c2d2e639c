package io.kvmha.agent.core;

import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.event.VmLifecycleEvent.Kind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers which command is acting on which VM, so the lifecycle events it causes can name it.
 * Only the kinds a command is expected to cause are attributed (a start causes DEFINED and STARTED,
 * never STOPPED), and only for a short window: a crash a minute after a start is not the start's doing.
 */
public final class CommandAttribution {

    private static final int SWEEP_ABOVE = 1024;

    private final Clock clock;
    private final Duration window;
    private final Map<String, Expectation> byVm = new ConcurrentHashMap<>();

    public CommandAttribution(Clock clock, Duration window) {
        this.clock = clock;
        this.window = window;
    }

    private record Expectation(String commandId, Set<Kind> kinds, Instant at) {
    }

    void expect(HostCommand command) {
        Instant now = clock.instant();
        if (byVm.size() > SWEEP_ABOVE) {
            byVm.values().removeIf(e -> e.at().plus(window).isBefore(now));
        }
        byVm.put(command.vmId(), new Expectation(command.commandId(), kindsCausedBy(command.action()), now));
    }

    /** The command that caused a change of this kind to this VM, if one did recently. */
    public Optional<String> commandFor(String vmId, Kind kind) {
        Expectation e = byVm.get(vmId);
        if (e == null || !e.kinds().contains(kind) || e.at().plus(window).isBefore(clock.instant())) {
            return Optional.empty();
        }
        return Optional.of(e.commandId());
    }

    static Set<Kind> kindsCausedBy(HostCommand.Action action) {
        return switch (action) {
            case DEFINE_AND_START -> Set.of(Kind.DEFINED, Kind.STARTED);
            case START -> Set.of(Kind.STARTED);
            case DESTROY -> Set.of(Kind.STOPPED);
            case UNDEFINE -> Set.of(Kind.UNDEFINED);
            case SHUTDOWN -> Set.of(Kind.STOPPED);
            case MIGRATE -> Set.of(Kind.STOPPED, Kind.UNDEFINED, Kind.SUSPENDED, Kind.RESUMED);
            case SET_AUTOSTART -> Set.of(Kind.DEFINED);
        };
    }
}
