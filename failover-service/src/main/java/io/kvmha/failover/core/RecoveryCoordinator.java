package io.kvmha.failover.core;

import io.kvmha.contracts.event.CommandResult;
import io.kvmha.contracts.event.EvacuationPlan;
import io.kvmha.contracts.event.EvacuationRequest;
import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.RecoveryRecord.Status;
import io.kvmha.contracts.event.RecoveryRecord.VmStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Owns incidents: opens exactly one per failed host, asks for an evacuation plan, issues start commands
 * in plan order (at most {@link RecoveryPolicy#maxConcurrentStarts()} in flight), follows their results
 * and closes the incident as RECOVERED, PARTIAL or FAILED. Every input is idempotent: a redelivered plan
 * or result finds the incident already past it and changes nothing. Not thread-safe.
 */
public final class RecoveryCoordinator {

    /** Closed incidents kept in memory for the REST API; the recoveries topic keeps them all. */
    static final int RETAINED_INCIDENTS = 500;

    private final InstantSource clock;
    private final RecoveryPolicy policy;
    private final Supplier<String> ids;
    private final Map<String, Incident> incidents = new LinkedHashMap<>();
    private final Map<String, Incident> openByHost = new HashMap<>();

    public RecoveryCoordinator(InstantSource clock, RecoveryPolicy policy, Supplier<String> ids) {
        this.clock = clock;
        this.policy = policy;
        this.ids = ids;
    }

    /** A host was declared DOWN: open its incident (unless one is open) and request an evacuation plan. */
    public Actions hostDown(HealthTransition down, List<Placement> placedOnHost) {
        Instant now = clock.instant();
        String host = down.hostId();
        Incident open = openByHost.get(host);
        if (open != null) {
            open.record(now, "declared-down-again", String.join("; ", down.evidence()));
            return Actions.builder().publish(open.toRecord())
                    .note(OperatorNote.info("host=" + host + " incident=" + open.id()
                            + " declared DOWN again while its incident is open; not opening a second incident"))
                    .build();
        }
        Incident incident = new Incident(ids.get(), host, RecoveryPolicy.NO_FENCING, down.evidence(),
                down.lastHeartbeatAt(), now, ids.get());
        incidents.put(incident.id(), incident);
        openByHost.put(host, incident);
        evictOldClosed();
        placedOnHost.forEach(p -> incident.expect(p.vmId(), p.generation()));

        incident.record(now, "detected", String.join("; ", down.evidence()));
        incident.record(now, "unsafe-no-fencing", RecoveryPolicy.NO_FENCING + ": " + host
                + " is not proven off; its VMs may run twice if it is alive");
        incident.record(now, "evacuation-requested", "request=" + incident.requestId() + " hosts=[" + host + "] vms="
                + placedOnHost.size() + " placed on " + host);
        return Actions.builder()
                .publish(incident.toRecord())
                .publish(new EvacuationRequest(incident.requestId(), incident.id(), List.of(host), now))
                .note(OperatorNote.warn(RecoveryPolicy.NO_FENCING + ": recovering host=" + host + " incident="
                        + incident.id() + " without fencing"))
                .note(OperatorNote.info("host=" + host + " incident=" + incident.id() + " request=" + incident.requestId()
                        + " evacuation requested for " + placedOnHost.size() + " placed VMs"))
                .duration(RecoveryPhase.DETECT, between(down.lastHeartbeatAt(), now))
                .build();
    }

    /** The scheduler's plan for an incident: issue the first start commands, record unplaceable VMs. */
    public Actions planReceived(EvacuationPlan plan) {
        Incident incident = incidents.get(plan.incidentId());
        if (incident == null) {
            return Actions.note(OperatorNote.debug("incident=" + plan.incidentId() + " request=" + plan.requestId()
                    + " plan for an unknown incident ignored"));
        }
        if (incident.planReceived() || incident.status() != Status.OPEN || !incident.requestId().equals(plan.requestId())) {
            return Actions.note(OperatorNote.debug("incident=" + incident.id() + " request=" + plan.requestId()
                    + " plan ignored (duplicate, stale request or incident closed)"));
        }
        Instant now = clock.instant();
        incident.planReceived(now);
        incident.record(now, "plan-received", "request=" + plan.requestId() + " assignments=" + plan.assignments().size()
                + " unplaced=" + plan.unplaced().size());
        Actions.Builder actions = Actions.builder()
                .duration(RecoveryPhase.PLACE, between(incident.detectedAt(), now))
                .note(OperatorNote.info("host=" + incident.hostId() + " incident=" + incident.id() + " request="
                        + plan.requestId() + " plan received: " + plan.assignments().size() + " to start, "
                        + plan.unplaced().size() + " unplaced"));
        for (EvacuationPlan.Assignment assignment : plan.assignments()) {
            if (incident.vm(assignment.spec().vmId()) != null && incident.vm(assignment.spec().vmId()).spec != null) {
                continue; // Listed twice in one plan: start it once.
            }
            incident.plan(assignment.spec(), assignment.fromHostId(), assignment.targetHostId(),
                    assignment.placementGeneration(), now);
        }
        for (EvacuationPlan.Unplaced unplaced : plan.unplaced()) {
            incident.unplaceable(unplaced.vmId(), unplaced.tier(), unplaced.reason(), now);
            incident.record(now, "vm-unplaceable", "vm=" + unplaced.vmId() + " " + unplaced.reason());
            actions.note(OperatorNote.warn("host=" + incident.hostId() + " vm=" + unplaced.vmId() + " incident="
                    + incident.id() + " unplaceable: " + unplaced.reason()));
        }
        List<String> dropped = incident.dropUnplanned();
        if (!dropped.isEmpty()) {
            incident.record(now, "not-in-plan", "left on " + incident.hostId() + " (not HA-protected): " + dropped);
            actions.note(OperatorNote.info("host=" + incident.hostId() + " incident=" + incident.id()
                    + " VMs not in the plan, left alone (not HA-protected): " + dropped));
        }
        issueStarts(incident, now, actions);
        settle(incident, now, actions);
        return actions.publish(incident.toRecord()).build();
    }

    /** The outcome of a start command this service issued; anything else is ignored. */
    public Actions commandResult(CommandResult result) {
        Incident incident = result.incidentId() == null ? null : incidents.get(result.incidentId());
        if (incident == null) {
            return Actions.NONE; // Not ours: scheduler-issued commands carry no incident.
        }
        Optional<Incident.VmProgress> found = incident.byCommand(result.commandId());
        if (found.isEmpty() || found.get().status != VmStatus.STARTING) {
            return Actions.note(OperatorNote.debug("host=" + result.hostId() + " incident=" + incident.id() + " command="
                    + result.commandId() + " result ignored (duplicate or unknown command)"));
        }
        Incident.VmProgress vm = found.get();
        Instant now = clock.instant();
        Actions.Builder actions = Actions.builder();
        String ids = "host=" + result.hostId() + " vm=" + vm.vmId + " incident=" + incident.id() + " command=" + result.commandId();
        if (result.outcome() == CommandResult.Outcome.SUCCEEDED) {
            incident.started(vm, "started on " + result.hostId() + " in " + result.durationMs() + " ms", now);
            incident.record(now, "vm-started", ids);
            actions.note(OperatorNote.info(ids + " VM started"));
        } else {
            // Retrying on another host comes with a later increment; for now the VM is FAILED.
            String detail = result.outcome() + (result.error() == null ? "" : ": " + result.error());
            vm.update(VmStatus.FAILED, detail, now);
            incident.record(now, "vm-failed", ids + " " + detail);
            actions.note(OperatorNote.warn(ids + " VM start " + detail));
        }
        issueStarts(incident, now, actions);
        settle(incident, now, actions);
        return actions.publish(incident.toRecord()).build();
    }

    /** A failed host heartbeats again: note it on its latest incident, which may still be recovering. */
    public Actions hostReturned(HealthTransition returned) {
        Optional<Incident> latest = incidents.values().stream()
                .filter(i -> i.hostId().equals(returned.hostId()))
                .max(Comparator.comparing(Incident::detectedAt));
        if (latest.isEmpty()) {
            return Actions.NONE;
        }
        Incident incident = latest.get();
        Instant now = clock.instant();
        incident.record(now, "host-returned", String.join("; ", returned.evidence()));
        return Actions.builder().publish(incident.toRecord())
                .note(OperatorNote.warn("host=" + returned.hostId() + " incident=" + incident.id() + " host returned ("
                        + incident.status() + ") after its VMs were recovered without fencing: check for VMs running twice"))
                .build();
    }

    public List<IncidentSnapshot> incidents() {
        List<IncidentSnapshot> all = new ArrayList<>(incidents.values().stream().map(Incident::snapshot).toList());
        all.sort(Comparator.comparing(IncidentSnapshot::detectedAt).reversed());
        return all;
    }

    public Optional<IncidentSnapshot> incident(String incidentId) {
        return Optional.ofNullable(incidents.get(incidentId)).map(Incident::snapshot);
    }

    public Optional<IncidentSnapshot> openIncident(String hostId) {
        return Optional.ofNullable(openByHost.get(hostId)).map(Incident::snapshot);
    }

    private void issueStarts(Incident incident, Instant now, Actions.Builder actions) {
        while (incident.inFlight() < policy.maxConcurrentStarts()) {
            Optional<Incident.VmProgress> next = incident.nextToStart();
            if (next.isEmpty()) {
                return;
            }
            Incident.VmProgress vm = next.get();
            String commandId = ids.get();
            actions.publish(new HostCommand(commandId, vm.toHost, vm.vmId, HostCommand.Action.DEFINE_AND_START, vm.spec,
                    vm.generation, incident.id(), policy.issuedBy(), now, now.plus(policy.commandDeadline())));
            incident.starting(vm, commandId, now);
            String ids = "host=" + vm.toHost + " vm=" + vm.vmId + " incident=" + incident.id() + " command=" + commandId;
            incident.record(now, "start-issued", ids + " from=" + vm.fromHost + " generation=" + vm.generation);
            actions.note(OperatorNote.info(ids + " DEFINE_AND_START issued (recovering from " + vm.fromHost + ")"));
        }
    }

    private void settle(Incident incident, Instant now, Actions.Builder actions) {
        if (incident.status() != Status.OPEN || !incident.allSettled()) {
            return;
        }
        List<Incident.VmProgress> vms = incident.vms();
        long started = vms.stream().filter(vm -> vm.status == VmStatus.STARTED).count();
        Status outcome = started == vms.size() ? Status.RECOVERED : started == 0 ? Status.FAILED : Status.PARTIAL;
        incident.close(outcome, now);
        openByHost.remove(incident.hostId());
        String summary = started + " of " + vms.size() + " VMs started";
        incident.record(now, outcome.name().toLowerCase(Locale.ROOT), summary);
        actions.closed(outcome)
                .note(outcome == Status.RECOVERED
                        ? OperatorNote.info("host=" + incident.hostId() + " incident=" + incident.id() + " RECOVERED: " + summary)
                        : OperatorNote.warn("host=" + incident.hostId() + " incident=" + incident.id() + " " + outcome + ": " + summary));
        if (incident.lastStartedAt() != null) {
            actions.duration(RecoveryPhase.START, between(incident.planReceivedAt(), incident.lastStartedAt()))
                    .duration(RecoveryPhase.TOTAL, between(incident.lastHeartbeatAt(), incident.lastStartedAt()));
        }
    }

    private void evictOldClosed() {
        if (incidents.size() <= RETAINED_INCIDENTS) {
            return;
        }
        incidents.values().stream().filter(i -> i.status() != Status.OPEN).findFirst()
                .ifPresent(oldest -> incidents.remove(oldest.id()));
    }

    private static Duration between(Instant from, Instant to) {
        return from == null || to == null ? null : Duration.between(from, to);
    }
}
