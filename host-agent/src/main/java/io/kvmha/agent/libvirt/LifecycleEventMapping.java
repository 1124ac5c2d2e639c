package io.kvmha.agent.libvirt;

import io.kvmha.contracts.event.VmLifecycleEvent.Kind;
import io.kvmha.contracts.event.VmLifecycleEvent.Reason;
import java.util.Optional;
import org.libvirt.event.DomainEvent;
import org.libvirt.event.DomainEventDetail;
import org.libvirt.event.DomainEventType;
import org.libvirt.event.StartedDetail;
import org.libvirt.event.StoppedDetail;
import org.libvirt.event.SuspendedDetail;
import org.libvirt.event.ResumedDetail;

/**
 * Maps libvirt lifecycle events to the contracts' kinds and reasons. Events that announce a state
 * rather than complete a change (SHUTDOWN in progress, CRASHED before on_crash acts) are dropped:
 * the STOPPED that follows carries the outcome.
 */
final class LifecycleEventMapping {

    record Mapped(Kind kind, Reason reason) {
    }

    private LifecycleEventMapping() {
    }

    static Optional<Mapped> map(DomainEvent event) {
        DomainEventType type = event.getType();
        if (type == null) {
            return Optional.empty();
        }
        DomainEventDetail detail = detail(event);
        return switch (type) {
            case DEFINED -> Optional.of(new Mapped(Kind.DEFINED, Reason.UNKNOWN));
            case UNDEFINED -> Optional.of(new Mapped(Kind.UNDEFINED, Reason.UNKNOWN));
            case STARTED -> Optional.of(new Mapped(Kind.STARTED, started(detail)));
            case SUSPENDED -> Optional.of(new Mapped(Kind.SUSPENDED, suspended(detail)));
            case PMSUSPENDED -> Optional.of(new Mapped(Kind.SUSPENDED, Reason.UNKNOWN));
            case RESUMED -> Optional.of(new Mapped(Kind.RESUMED, resumed(detail)));
            case STOPPED -> Optional.of(new Mapped(Kind.STOPPED, stopped(detail)));
            case SHUTDOWN, CRASHED, UNKNOWN -> Optional.empty();
        };
    }

    private static DomainEventDetail detail(DomainEvent event) {
        try {
            return event.getDetail();
        } catch (RuntimeException e) {
            return null; // a detail code newer than this binding knows
        }
    }

    private static Reason started(DomainEventDetail detail) {
        if (!(detail instanceof StartedDetail d)) {
            return Reason.UNKNOWN;
        }
        return switch (d) {
            case BOOTED -> Reason.BOOTED;
            case MIGRATED -> Reason.MIGRATED;
            case RESTORED, FROM_SNAPSHOT -> Reason.RESTORED;
            default -> Reason.UNKNOWN;
        };
    }

    private static Reason suspended(DomainEventDetail detail) {
        if (!(detail instanceof SuspendedDetail d)) {
            return Reason.UNKNOWN;
        }
        return switch (d) {
            case PAUSED -> Reason.PAUSED;
            case MIGRATED -> Reason.MIGRATED;
            case RESTORED, FROM_SNAPSHOT -> Reason.RESTORED;
            case IOERROR, API_ERROR -> Reason.FAILED;
            default -> Reason.UNKNOWN;
        };
    }

    private static Reason resumed(DomainEventDetail detail) {
        if (!(detail instanceof ResumedDetail d)) {
            return Reason.UNKNOWN;
        }
        return switch (d) {
            case MIGRATED -> Reason.MIGRATED;
            case FROM_SNAPSHOT -> Reason.RESTORED;
            default -> Reason.UNKNOWN;
        };
    }

    private static Reason stopped(DomainEventDetail detail) {
        if (!(detail instanceof StoppedDetail d)) {
            return Reason.UNKNOWN;
        }
        return switch (d) {
            case SHUTDOWN -> Reason.SHUTDOWN;
            case DESTROYED -> Reason.DESTROYED;
            case CRASHED -> Reason.CRASHED;
            case MIGRATED -> Reason.MIGRATED;
            case SAVED -> Reason.SAVED;
            case FAILED -> Reason.FAILED;
            case FROM_SNAPSHOT -> Reason.RESTORED;
            default -> Reason.UNKNOWN;
        };
    }
}
