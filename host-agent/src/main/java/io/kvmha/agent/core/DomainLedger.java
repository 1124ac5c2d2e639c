package io.kvmha.agent.core;

import io.kvmha.contracts.event.DomainState;
import io.kvmha.contracts.event.VmLifecycleEvent.Kind;
import io.kvmha.contracts.event.VmLifecycleEvent.Reason;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the agent last told the world about each domain: updated by every lifecycle event it publishes,
 * and compared with a fresh domain list after every (re)connection to libvirt. The differences are
 * the changes that happened while nobody was listening; they are published as reconciled events, so
 * a stop during a libvirtd outage is not lost.
 *
 * <p>Reconciliation cannot know why a domain stopped while libvirt was unreachable: such stops carry
 * reason UNKNOWN (CRASHED when libvirt still shows the domain crashed). Thread-safe.
 */
public final class DomainLedger {

    private final Map<String, HypervisorDomain> known = new LinkedHashMap<>();

    /** Records a change reported live by the hypervisor. */
    public synchronized void apply(DomainLifecycleChange change) {
        HypervisorDomain before = known.get(change.uuid());
        String name = change.name();
        DomainState state = switch (change.kind()) {
            case DEFINED -> before == null ? DomainState.SHUTOFF : before.state();
            case UNDEFINED -> before != null && before.isActive() ? before.state() : null;
            case STARTED, RESUMED -> DomainState.RUNNING;
            case SUSPENDED -> DomainState.PAUSED;
            case STOPPED -> DomainState.SHUTOFF;
        };
        if (state == null) {
            known.remove(change.uuid());
        } else {
            known.put(change.uuid(), new HypervisorDomain(change.uuid(), name, state,
                    before == null ? null : before.haPolicy()));
        }
    }

    /**
     * Replaces the ledger with what the hypervisor lists now and returns the changes that explain the
     * difference, in an order a reader can apply (define before start, stop before undefine).
     */
    public synchronized List<DomainLifecycleChange> reconcile(List<HypervisorDomain> now) {
        List<DomainLifecycleChange> changes = new ArrayList<>();
        Map<String, HypervisorDomain> current = new LinkedHashMap<>();
        for (HypervisorDomain d : now) {
            current.put(d.uuid(), d);
        }
        for (HypervisorDomain before : known.values()) {
            if (!current.containsKey(before.uuid())) {
                if (before.isActive()) {
                    changes.add(change(before, Kind.STOPPED, Reason.UNKNOWN));
                }
                changes.add(change(before, Kind.UNDEFINED, Reason.UNKNOWN));
            }
        }
        for (HypervisorDomain d : current.values()) {
            HypervisorDomain before = known.get(d.uuid());
            if (before == null) {
                changes.add(change(d, Kind.DEFINED, Reason.UNKNOWN));
                if (d.isActive()) {
                    changes.add(change(d, Kind.STARTED, Reason.UNKNOWN));
                }
                if (d.state() == DomainState.PAUSED) {
                    changes.add(change(d, Kind.SUSPENDED, Reason.UNKNOWN));
                }
                continue;
            }
            boolean wasActive = before.isActive();
            if (wasActive && !d.isActive()) {
                changes.add(change(d, Kind.STOPPED, d.state() == DomainState.CRASHED ? Reason.CRASHED : Reason.UNKNOWN));
            } else if (!wasActive && d.isActive()) {
                changes.add(change(d, Kind.STARTED, Reason.UNKNOWN));
                if (d.state() == DomainState.PAUSED) {
                    changes.add(change(d, Kind.SUSPENDED, Reason.UNKNOWN));
                }
            } else if (wasActive && before.state() != DomainState.PAUSED && d.state() == DomainState.PAUSED) {
                changes.add(change(d, Kind.SUSPENDED, Reason.UNKNOWN));
            } else if (wasActive && before.state() == DomainState.PAUSED && d.state() != DomainState.PAUSED) {
                changes.add(change(d, Kind.RESUMED, Reason.UNKNOWN));
            }
        }
        known.clear();
        known.putAll(current);
        return changes;
    }

    public synchronized Map<String, HypervisorDomain> snapshot() {
        return Map.copyOf(known);
    }

    private static DomainLifecycleChange change(HypervisorDomain d, Kind kind, Reason reason) {
        return new DomainLifecycleChange(d.uuid(), d.name(), kind, reason, true);
    }
}
