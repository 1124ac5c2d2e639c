package io.kvmha.failover.core;

import io.kvmha.contracts.event.CommandResult;
import io.kvmha.contracts.event.EvacuationPlan;
import io.kvmha.contracts.event.EvacuationRequest;
import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.RecoveryRecord;
import io.kvmha.contracts.event.VmSpec;
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
    /** The generation of a VM's latest placement (0: none known): a newer one than an incident's means it moved on. */
    private java.util.function.ToLongFunction<String> currentGeneration = vmId -> 0;

    /** The best tier rank on hosts that turned SUSPECT after an instant: they may be about to need recovery. */
    private java.util.function.ToIntFunction<Instant> tierInDoubt = since -> Integer.MAX_VALUE;

    public RecoveryCoordinator(InstantSource clock, RecoveryPolicy policy, Supplier<String> ids) {
        this.clock = clock;
        this.policy = policy;
        this.ids = ids;
    }

    /** Where the coordinator reads a VM's latest placement generation; none by default. */
    public void watchPlacements(java.util.function.ToLongFunction<String> generation) {
        this.currentGeneration = generation;
    }

    /**
     * Where the tier order learns of hosts in doubt (SUSPECT, not yet DOWN): the best tier rank of the HA VMs on
     * hosts that turned SUSPECT after the given instant ({@code Integer.MAX_VALUE}: none). None by default.
     */
    public void watchHostsInDoubt(java.util.function.ToIntFunction<Instant> inDoubt) {
        this.tierInDoubt = inDoubt;
    }

    /**
     * A host was declared DOWN: open its incident (unless one is open). Nothing is requested yet: the
     * evacuation waits for the host to be fenced ({@link #fenced}).
     */
    public Actions hostDown(HealthTransition down, List<Placement> placedOnHost) {
        return hostDown(down, placedOnHost, true);
    }

    /** @param detected false for an operator's fence: no detection time to measure */
    public Actions hostDown(HealthTransition down, List<Placement> placedOnHost, boolean detected) {
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
        Incident incident = new Incident(ids.get(), host, RecoveryPolicy.FENCING_PENDING, down.evidence(),
                down.lastHeartbeatAt(), now, ids.get());
        incidents.put(incident.id(), incident);
        openByHost.put(host, incident);
        evictOldClosed();
        placedOnHost.forEach(p -> incident.expect(p.vmId(), p.generation()));
        incident.record(now, "detected", String.join("; ", down.evidence()));
        Actions.Builder actions = Actions.builder().publish(incident.toRecord());
        return detected ? actions.duration(RecoveryPhase.DETECT, between(down.lastHeartbeatAt(), now)).build() : actions.build();
    }

    /**
     * Takes over an open incident recorded by another (crashed) instance. Returns what to do next: the
     * host must be fenced again (idempotent: a BMC that reports Off is fenced), the evacuation request
     * re-sent (same request id), or the start commands in flight re-issued with their own command ids
     * (an agent answers a known id with its first result: no VM starts twice).
     */
    public Resumed adopt(RecoveryRecord record, java.util.function.Function<String, VmSpec> specs) {
        if (incidents.containsKey(record.incidentId()) || record.status() != Status.OPEN
                || openByHost.containsKey(record.hostId())) {
            return new Resumed(Actions.NONE, false);
        }
        Instant now = clock.instant();
        Incident incident = Incident.restore(record, specs);
        incidents.put(incident.id(), incident);
        openByHost.put(incident.hostId(), incident);
        incident.record(now, "resumed", "taken over from the recorded incident by a new failover instance");
        Actions.Builder actions = Actions.builder().note(OperatorNote.warn("host=" + incident.hostId() + " incident="
                + incident.id() + " resumed after a failover-service takeover (fenced " + incident.fenced()
                + ", plan " + incident.planReceived() + ")"));
        if (!incident.fenced()) {
            return new Resumed(actions.publish(incident.toRecord()).build(), true);
        }
        if (!incident.planReceived()) {
            incident.record(now, "evacuation-requested", "request=" + incident.requestId() + " re-sent on resume");
            incident.requested(incident.requestId(), List.of(), List.of(), now);
            actions.publish(new EvacuationRequest(incident.requestId(), incident.id(), List.of(incident.hostId()), now));
        } else {
            for (Incident.VmProgress vm : incident.vms()) {
                if (vm.status == VmStatus.PENDING && vm.toHost == null && vm.spec != null) {
                    // It was being re-placed when the previous instance stopped: ask again.
                    requestReplacement(incident, vm, now, actions);
                }
            }
            for (Incident.VmProgress vm : incident.vms()) {
                if (vm.status != VmStatus.STARTING) {
                    continue;
                }
                if (vm.spec == null) {
                    vm.update(VmStatus.FAILED, "spec unknown on resume; cannot re-issue command " + vm.commandId, now);
                    continue;
                }
                actions.publish(new HostCommand(vm.commandId, vm.toHost, vm.vmId, HostCommand.Action.DEFINE_AND_START,
                        vm.spec, vm.generation, incident.id(), policy.issuedBy(), now, now.plus(policy.commandDeadline())));
                incident.record(now, "start-reissued", "host=" + vm.toHost + " vm=" + vm.vmId + " command=" + vm.commandId
                        + " (same command id: the agent answers with its first result if it already ran it)");
            }
            issueStarts(incident, now, actions);
            settle(incident, now, actions);
        }
        return new Resumed(actions.publish(incident.toRecord()).build(), false);
    }

    /** @param mustFence the incident's host was not fenced yet: the engine must fence it again */
    public record Resumed(Actions actions, boolean mustFence) {
    }

    /** Fencing of the host of an open incident has begun, on this evidence. */
    public Actions fencingStarted(String hostId, List<String> evidence) {
        Incident incident = openByHost.get(hostId);
        if (incident == null) {
            return Actions.NONE;
        }
        Instant now = clock.instant();
        incident.fencing("in progress");
        incident.record(now, "fencing-started", String.join("; ", evidence));
        return Actions.builder().publish(incident.toRecord()).build();
    }

    /** A fence attempt's evidence (each driver's attempts), before the conclusion. */
    public Actions fencingEvidence(String hostId, String phase, String detail) {
        Incident incident = openByHost.get(hostId);
        if (incident == null) {
            return Actions.NONE;
        }
        incident.record(clock.instant(), phase, detail);
        return Actions.builder().publish(incident.toRecord()).build();
    }

    /** No BMC confirmed power-off: the host counts as fenced at {@code deadline} (its agent has self-fenced by then). */
    public Actions awaitSelfFence(String hostId, Instant deadline, String why) {
        Incident incident = openByHost.get(hostId);
        if (incident == null || incident.fenced()) {
            return Actions.NONE;
        }
        incident.awaitSelfFence(deadline);
        incident.fencing("awaiting self-fence deadline " + deadline);
        incident.record(clock.instant(), "self-fence-wait", why + "; the host counts as fenced at " + deadline);
        return Actions.builder().publish(incident.toRecord())
                .note(OperatorNote.warn("host=" + hostId + " incident=" + incident.id() + " no BMC confirmation ("
                        + why + "); restarting elsewhere only after the self-fence deadline " + deadline))
                .build();
    }

    /** Hosts of open incidents whose self-fence deadline has passed without them being fenced. */
    public List<String> selfFenceDue(Instant now) {
        return openByHost.values().stream()
                .filter(i -> !i.fenced() && i.selfFenceDeadline() != null && !now.isBefore(i.selfFenceDeadline()))
                .map(Incident::hostId).sorted().toList();
    }

    /** The host is fenced: record how, and ask for the evacuation plan. */
    public Actions fenced(String hostId, String how) {
        Incident incident = openByHost.get(hostId);
        if (incident == null || incident.fenced()) {
            return Actions.NONE;
        }
        Instant now = clock.instant();
        incident.fenced(how, now);
        incident.record(now, "fenced", how);
        int vms = incident.vms().size();
        incident.record(now, "evacuation-requested", "request=" + incident.requestId() + " hosts=[" + hostId + "] vms="
                + vms + " placed on " + hostId);
        incident.requested(incident.requestId(), List.of(), List.of(), now);
        return Actions.builder()
                .publish(incident.toRecord())
                .publish(new EvacuationRequest(incident.requestId(), incident.id(), List.of(hostId), now))
                .note(OperatorNote.info("host=" + hostId + " incident=" + incident.id() + " request=" + incident.requestId()
                        + " fenced (" + how + "); evacuation requested for " + vms + " placed VMs"))
                .duration(RecoveryPhase.FENCE, between(incident.detectedAt(), now))
                .build();
    }

    /**
     * VM-level HA's last resort: a VM that keeps crashing on its ONLINE host is restarted elsewhere, as an incident
     * of its own (no fencing: only this VM moves, its host stays). The scheduler re-places it excluding the host;
     * the start is followed like any recovery's; the stopped definition left on the host is undefined by the
     * stale-definition clean-up once the placement has moved.
     */
    public Actions relocate(String hostId, VmSpec spec, long generation, String why) {
        Instant now = clock.instant();
        Incident incident = new Incident(ids.get(), hostId, "not needed: only vm " + spec.vmId() + " moves, host "
                + hostId + " stays ONLINE", List.of(why), now, now, ids.get());
        incidents.put(incident.id(), incident);
        evictOldClosed();
        incident.expect(spec.vmId(), generation);
        incident.record(now, "detected", why);
        incident.fenced(incident.fencing(), now);
        incident.requested(incident.requestId(), List.of(spec.vmId()), List.of(hostId), now);
        incident.record(now, "evacuation-requested", "request=" + incident.requestId() + " vm=" + spec.vmId()
                + " excluding [" + hostId + "]");
        return Actions.builder()
                .publish(incident.toRecord())
                .publish(new EvacuationRequest(incident.requestId(), incident.id(), List.of(hostId), now,
                        List.of(spec.vmId()), List.of(hostId)))
                .note(OperatorNote.warn("host=" + hostId + " vm=" + spec.vmId() + " incident=" + incident.id()
                        + " request=" + incident.requestId() + " restarting elsewhere: " + why))
                .build();
    }

    /** Fencing failed: nothing restarts. The incident closes FAILED with the reason. */
    public Actions fencingFailed(String hostId, String why) {
        return closeUnfenced(hostId, Status.FAILED, "fencing-failed", "FAILED: " + why,
                "fencing FAILED, nothing restarted: " + why);
    }

    /** The host proved alive before it was fenced: nothing restarted, the incident closes ABORTED. */
    public Actions aborted(String hostId, String why) {
        return closeUnfenced(hostId, Status.ABORTED, "aborted", "not needed: " + why,
                "ABORTED, nothing restarted: " + why);
    }

    private Actions closeUnfenced(String hostId, Status outcome, String phase, String fencing, String message) {
        Incident incident = openByHost.get(hostId);
        if (incident == null || incident.fenced()) {
            return Actions.NONE;
        }
        Instant now = clock.instant();
        incident.fencing(fencing);
        incident.record(now, phase, message);
        incident.close(outcome, now);
        openByHost.remove(hostId);
        return Actions.builder().publish(incident.toRecord()).closed(outcome)
                .note(OperatorNote.warn("host=" + hostId + " incident=" + incident.id() + " " + message))
                .build();
    }

    /** The scheduler's plan for an incident: issue the first start commands, record unplaceable VMs. */
    public Actions planReceived(EvacuationPlan plan) {
        Incident incident = incidents.get(plan.incidentId());
        if (incident == null) {
            return Actions.note(OperatorNote.debug("incident=" + plan.incidentId() + " request=" + plan.requestId()
                    + " plan for an unknown incident ignored"));
        }
        if (incident.status() == Status.OPEN && incident.planReceived() && !incident.requestId().equals(plan.requestId())) {
            return replacementPlanReceived(incident, plan);
        }
        if (incident.planReceived() || incident.status() != Status.OPEN || !incident.fenced()
                || !incident.requestId().equals(plan.requestId())) {
            return Actions.note(OperatorNote.debug("incident=" + incident.id() + " request=" + plan.requestId()
                    + " plan ignored (duplicate, stale request or incident closed)"));
        }
        Instant now = clock.instant();
        incident.planReceived(now);
        incident.answered(plan.requestId());
        incident.record(now, "plan-received", "request=" + plan.requestId() + " assignments=" + plan.assignments().size()
                + " unplaced=" + plan.unplaced().size());
        Actions.Builder actions = Actions.builder()
                .duration(RecoveryPhase.PLACE, between(incident.fencedAt(), now))
                .note(OperatorNote.info("host=" + incident.hostId() + " incident=" + incident.id() + " request="
                        + plan.requestId() + " plan received: " + plan.assignments().size() + " to start, "
                        + plan.unplaced().size() + " unplaced"));
        for (EvacuationPlan.Assignment assignment : plan.assignments()) {
            Incident.VmProgress known = incident.vm(assignment.spec().vmId());
            if (known != null && known.toHost != null) {
                // Already has a target (listed twice in one plan, or restored from the record): start it once.
                continue;
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
        if (found.isEmpty() || found.get().status != VmStatus.STARTING || !result.commandId().equals(found.get().commandId)
                || !result.isFinal()) {
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
            startFailed(incident, vm, result.outcome() + (result.error() == null ? "" : ": " + result.error()), now, actions);
        }
        issueStarts(incident, now, actions);
        settle(incident, now, actions);
        return actions.publish(incident.toRecord()).build();
    }

    /**
     * A start failed on its target (FAILED, REJECTED, or no result within the start timeout): the scheduler is
     * asked to re-place just this VM, excluding every host where its start failed, until
     * {@link RecoveryPolicy#maxStartHosts()} hosts failed; then it is FAILED with a critical alert.
     */
    private void startFailed(Incident incident, Incident.VmProgress vm, String why, Instant now, Actions.Builder actions) {
        String ids = "host=" + vm.toHost + " vm=" + vm.vmId + " incident=" + incident.id() + " command=" + vm.commandId;
        long current = currentGeneration.applyAsLong(vm.vmId);
        if (current > vm.generation) {
            // Another decision (a newer incident: its target failed too) placed the VM since: it is that one's to
            // start. Re-placing it here would start it twice.
            String detail = "superseded by placement generation " + current + " (this incident's was " + vm.generation
                    + "); its start " + why + " is not retried here";
            incident.started(vm, detail, now);
            incident.record(now, "vm-superseded", ids + " " + detail);
            actions.note(OperatorNote.info(ids + " VM " + detail));
            return;
        }
        vm.failedOn.add(vm.toHost);
        incident.record(now, "vm-failed", ids + " " + why);
        if (vm.spec != null && vm.failedOn.size() < policy.maxStartHosts()) {
            vm.update(VmStatus.PENDING, "start on " + vm.toHost + " " + why + "; re-placing elsewhere", now);
            actions.note(OperatorNote.warn(ids + " VM start " + why + "; asking the scheduler for another host (tried "
                    + vm.failedOn + ")"));
            vm.toHost = null;
            requestReplacement(incident, vm, now, actions);
            return;
        }
        String gaveUp = "start " + why + "; given up after " + vm.failedOn.size() + " host(s) " + vm.failedOn;
        vm.update(VmStatus.FAILED, gaveUp, now);
        incident.record(now, "vm-given-up", "vm=" + vm.vmId + " " + gaveUp);
        actions.note(OperatorNote.warn(ids + " VM " + gaveUp))
                .publish(FailoverAlerts.vmRecoveryFailed(vm.vmId, incident.hostId(), incident.id(), gaveUp, now));
    }

    private void requestReplacement(Incident incident, Incident.VmProgress vm, Instant now, Actions.Builder actions) {
        String requestId = ids.get();
        Incident.PendingRequest pending = incident.requested(requestId, List.of(vm.vmId), vm.failedOn, now);
        incident.record(now, "replacement-requested", "vm=" + vm.vmId + " request=" + requestId + " excluding "
                + pending.excludeHostIds);
        actions.publish(request(incident, pending, now));
    }

    private static EvacuationRequest request(Incident incident, Incident.PendingRequest pending, Instant now) {
        return new EvacuationRequest(pending.requestId, incident.id(), List.of(incident.hostId()), now, pending.vmIds,
                pending.excludeHostIds);
    }

    /** The plan of a re-placement request: start the VMs on their new hosts; one that fits nowhere is given up. */
    private Actions replacementPlanReceived(Incident incident, EvacuationPlan plan) {
        Optional<Incident.PendingRequest> pending = incident.answered(plan.requestId());
        if (pending.isEmpty()) {
            return Actions.note(OperatorNote.debug("incident=" + incident.id() + " request=" + plan.requestId()
                    + " plan ignored (duplicate or unknown request)"));
        }
        Instant now = clock.instant();
        Actions.Builder actions = Actions.builder();
        incident.record(now, "replacement-plan-received", "request=" + plan.requestId() + " assignments="
                + plan.assignments().size() + " unplaced=" + plan.unplaced().size());
        for (EvacuationPlan.Assignment assignment : plan.assignments()) {
            Incident.VmProgress vm = incident.vm(assignment.spec().vmId());
            if (vm == null || !pending.get().vmIds.contains(vm.vmId) || vm.status != VmStatus.PENDING || vm.toHost != null) {
                continue;
            }
            incident.plan(assignment.spec(), vm.fromHost, assignment.targetHostId(), assignment.placementGeneration(), now);
            actions.note(OperatorNote.info("host=" + assignment.targetHostId() + " vm=" + vm.vmId + " incident="
                    + incident.id() + " request=" + plan.requestId() + " re-placed after failed starts on " + vm.failedOn));
        }
        for (EvacuationPlan.Unplaced unplaced : plan.unplaced()) {
            Incident.VmProgress vm = incident.vm(unplaced.vmId());
            if (vm == null || vm.status != VmStatus.PENDING || vm.toHost != null) {
                continue;
            }
            if (currentGeneration.applyAsLong(vm.vmId) > vm.generation || unplaced.reason().startsWith("superseded")) {
                // The scheduler's answer when a newer decision placed the VM since the request: that one starts it.
                String detail = "superseded: " + unplaced.reason();
                incident.started(vm, detail, now);
                incident.record(now, "vm-superseded", "vm=" + vm.vmId + " " + detail);
                actions.note(OperatorNote.info("vm=" + vm.vmId + " incident=" + incident.id() + " " + detail));
                continue;
            }
            String gaveUp = "no other host fits after failed starts on " + vm.failedOn + ": " + unplaced.reason();
            vm.update(VmStatus.FAILED, gaveUp, now);
            incident.record(now, "vm-given-up", "vm=" + vm.vmId + " " + gaveUp);
            actions.note(OperatorNote.warn("vm=" + vm.vmId + " incident=" + incident.id() + " " + gaveUp))
                    .publish(FailoverAlerts.vmRecoveryFailed(vm.vmId, incident.hostId(), incident.id(), gaveUp, now));
        }
        issueStarts(incident, now, actions);
        settle(incident, now, actions);
        return actions.publish(incident.toRecord()).build();
    }

    /**
     * Time-driven recovery steps: a start without a final result within {@link RecoveryPolicy#startTimeout()}
     * counts as failed; an evacuation request without a plan within {@link RecoveryPolicy#planTimeout()} is sent
     * again (same request id), and after {@link RecoveryPolicy#planAttempts()} requests a critical alert is raised
     * once (the incident stays open: a late plan is still carried out).
     */
    public Actions tick(Instant now) {
        Actions.Builder actions = Actions.builder();
        for (Incident incident : incidents.values().stream().filter(i -> i.status() == Status.OPEN).toList()) {
            if (!incident.fenced()) {
                continue;
            }
            boolean changed = false;
            for (Incident.VmProgress vm : incident.vms()) {
                if (vm.status == VmStatus.STARTING && !now.isBefore(vm.at.plus(policy.startTimeout()))) {
                    startFailed(incident, vm, "without a result within " + policy.startTimeout().toSeconds() + " s", now, actions);
                    changed = true;
                }
            }
            for (Incident.PendingRequest pending : incident.pendingRequests()) {
                if (now.isBefore(pending.sentAt.plus(policy.planTimeout()))) {
                    continue;
                }
                String ids = "host=" + incident.hostId() + " incident=" + incident.id() + " request=" + pending.requestId;
                if (pending.attempts < policy.planAttempts()) {
                    pending.attempts++;
                    pending.sentAt = now;
                    incident.record(now, "evacuation-re-requested", "request=" + pending.requestId + " attempt "
                            + pending.attempts + " of " + policy.planAttempts() + ": no plan within "
                            + policy.planTimeout().toSeconds() + " s");
                    actions.publish(request(incident, pending, now))
                            .note(OperatorNote.warn(ids + " no plan within " + policy.planTimeout().toSeconds()
                                    + " s; request sent again (attempt " + pending.attempts + ")"));
                    changed = true;
                } else if (!pending.alerted) {
                    pending.alerted = true;
                    String why = "no plan after " + pending.attempts + " requests, " + policy.planTimeout().toSeconds()
                            + " s apart";
                    incident.record(now, "plan-timeout", "request=" + pending.requestId + " " + why + "; still waiting");
                    actions.publish(FailoverAlerts.planMissing(incident.hostId(), incident.id(), pending.requestId, why, now))
                            .note(OperatorNote.warn(ids + " " + why + "; critical alert raised, still waiting"));
                    changed = true;
                }
            }
            if (changed) {
                issueStarts(incident, now, actions);
                settle(incident, now, actions);
                actions.publish(incident.toRecord());
            }
        }
        // The tier order's waits end with time (better tiers' incidents planned, doubts cleared, the wait over).
        if (!policy.tierWait().isZero() && incidents.values().stream()
                .anyMatch(i -> i.status() == Status.OPEN && !i.waiting().isEmpty())) {
            issueStarts(null, now, actions);
        }
        return actions.build();
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
                .note(OperatorNote.info("host=" + returned.hostId() + " incident=" + incident.id() + " host returned ("
                        + incident.status() + ", fencing " + incident.fencing() + ")"))
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

    /**
     * Issues start commands across all open incidents while the cluster has fewer than
     * {@link RecoveryPolicy#maxConcurrentStarts()} in flight: the best-tier waiting VM first (ties: the older
     * incident, then plan order), skipping VMs whose target host already has
     * {@link RecoveryPolicy#maxStartsPerHost()} starts in flight, and VMs the tier order holds back
     * ({@link #tierBarrier}). Incidents other than {@code current} that got a command are re-published.
     */
    private void issueStarts(Incident current, Instant now, Actions.Builder actions) {
        java.util.Set<Incident> touched = new java.util.LinkedHashSet<>();
        int doubt = policy.tierWait().isZero() ? Integer.MAX_VALUE : tierInDoubt.applyAsInt(now.minus(policy.tierWait()));
        while (true) {
            List<Incident> open = incidents.values().stream().filter(i -> i.status() == Status.OPEN && i.fenced()).toList();
            long inFlight = open.stream().mapToLong(Incident::inFlight).sum();
            if (inFlight >= policy.maxConcurrentStarts()) {
                break;
            }
            int barrier = Math.min(tierBarrier(now), doubt);
            Map<String, Long> perHost = new HashMap<>();
            open.forEach(i -> i.vms().stream().filter(vm -> vm.status == VmStatus.STARTING)
                    .forEach(vm -> perHost.merge(vm.toHost, 1L, Long::sum)));
            Incident chosenIncident = null;
            Incident.VmProgress chosen = null;
            for (Incident incident : open.stream().sorted(Comparator.comparing(Incident::detectedAt)).toList()) {
                for (Incident.VmProgress vm : incident.waiting()) {
                    if (perHost.getOrDefault(vm.toHost, 0L) >= policy.maxStartsPerHost()) {
                        continue;
                    }
                    if (rank(vm) > barrier) {
                        // Better tiers first, cluster-wide. Not a break: a VM re-placed after a failed start joins the
                        // end of the waiting list, behind worse tiers (fault-soak seed 86: a gold VM stuck forever).
                        continue;
                    }
                    if (chosen == null || rank(vm) < rank(chosen)) {
                        chosen = vm;
                        chosenIncident = incident;
                    }
                    break; // Plan order within an incident: only its first startable VM competes.
                }
            }
            if (chosen == null) {
                break;
            }
            chosenIncident.take(chosen);
            issue(chosenIncident, chosen, now, actions);
            touched.add(chosenIncident);
        }
        touched.stream().filter(i -> i != current).forEach(i -> actions.publish(i.toRecord()));
    }

    /**
     * The worst tier rank that may start now: the best tier still waiting in any incident, or starting there for less
     * than the tier wait (a start that hangs longer stops holding the others back); the best (gold) while an incident
     * detected within the tier wait has no plan yet. (Hosts in doubt are added by the caller, once per round.) With a
     * zero tier wait, no barrier. A long queue does not end the wait: a big evacuation keeps its order to the end.
     */
    private int tierBarrier(Instant now) {
        if (policy.tierWait().isZero()) {
            return Integer.MAX_VALUE;
        }
        int best = Integer.MAX_VALUE;
        for (Incident incident : incidents.values()) {
            if (incident.status() != Status.OPEN) {
                continue;
            }
            if (!incident.planReceived()) {
                if (now.isBefore(incident.detectedAt().plus(policy.tierWait()))) {
                    return 0;
                }
                continue;
            }
            for (Incident.VmProgress vm : incident.waiting()) {
                best = Math.min(best, rank(vm));
            }
            for (Incident.VmProgress vm : incident.vms()) {
                if (vm.status == VmStatus.STARTING && now.isBefore(vm.at.plus(policy.tierWait()))) {
                    best = Math.min(best, rank(vm));
                }
            }
        }
        return best;
    }

    private static int rank(Incident.VmProgress vm) {
        return vm.tier == null ? Integer.MAX_VALUE : vm.tier.ordinal();
    }

    private void issue(Incident incident, Incident.VmProgress vm, Instant now, Actions.Builder actions) {
        String commandId = ids.get();
        actions.publish(new HostCommand(commandId, vm.toHost, vm.vmId, HostCommand.Action.DEFINE_AND_START, vm.spec,
                vm.generation, incident.id(), policy.issuedBy(), now, now.plus(policy.commandDeadline())));
        incident.starting(vm, commandId, now);
        String ids = "host=" + vm.toHost + " vm=" + vm.vmId + " incident=" + incident.id() + " command=" + commandId;
        incident.record(now, "start-issued", ids + " from=" + vm.fromHost + " generation=" + vm.generation);
        actions.note(OperatorNote.info(ids + " DEFINE_AND_START issued (recovering from " + vm.fromHost + ")"));
    }

    private void settle(Incident incident, Instant now, Actions.Builder actions) {
        if (incident.status() != Status.OPEN || !incident.allSettled()) {
            return;
        }
        List<Incident.VmProgress> vms = incident.vms();
        long started = vms.stream().filter(vm -> vm.status == VmStatus.STARTED).count();
        Status outcome = started == vms.size() ? Status.RECOVERED : started == 0 ? Status.FAILED : Status.PARTIAL;
        incident.close(outcome, now);
        openByHost.remove(incident.hostId(), incident);
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
