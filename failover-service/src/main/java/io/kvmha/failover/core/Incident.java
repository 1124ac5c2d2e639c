package io.kvmha.failover.core;

import io.kvmha.contracts.event.RecoveryRecord;
import io.kvmha.contracts.event.RecoveryRecord.Status;
import io.kvmha.contracts.event.RecoveryRecord.TimelineEntry;
import io.kvmha.contracts.event.RecoveryRecord.VmRecovery;
import io.kvmha.contracts.event.RecoveryRecord.VmStatus;
import io.kvmha.contracts.event.Tier;
import io.kvmha.contracts.event.VmSpec;
import io.kvmha.contracts.event.RecoveryRecord.TimelineEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The recovery of one failed host: its evidence, timeline and per-VM progress. Mutated only by the
 * {@link RecoveryCoordinator} (confined to its lock); others see {@link #snapshot()}s.
 */
final class Incident {

    private final String id;
    private final String hostId;
    private String fencing;
    private Instant fencedAt;
    private Instant selfFenceDeadline;
    private final List<String> evidence;
    private final Instant lastHeartbeatAt;
    private final Instant detectedAt;
    private final String requestId;
    private final List<TimelineEntry> timeline = new ArrayList<>();
    private final Map<String, VmProgress> vms = new LinkedHashMap<>();
    private final Deque<String> waitingToStart = new ArrayDeque<>();
    private final Map<String, String> vmByCommand = new HashMap<>();
    /** Evacuation requests sent and not yet answered by a plan, by request id. */
    private final Map<String, PendingRequest> pendingRequests = new LinkedHashMap<>();
    private Status status = Status.OPEN;
    private Instant planReceivedAt;
    private Instant lastStartedAt;
    private Instant closedAt;
    private Instant updatedAt;

    Incident(String id, String hostId, String fencing, List<String> evidence, Instant lastHeartbeatAt,
             Instant detectedAt, String requestId) {
        this.id = id;
        this.hostId = hostId;
        this.fencing = fencing;
        this.evidence = List.copyOf(evidence);
        this.lastHeartbeatAt = lastHeartbeatAt;
        this.detectedAt = detectedAt;
        this.requestId = requestId;
        this.updatedAt = detectedAt;
    }

    /**
     * Rebuilds an open incident from its latest record, as the instance that takes over finds it. VMs that
     * were PENDING with a target and a known spec go back to the start queue; STARTING VMs keep their
     * command id. {@code specs} supplies the specs the record does not carry.
     */
    static Incident restore(RecoveryRecord record, java.util.function.Function<String, VmSpec> specs) {
        Instant detected = record.timeline().stream().filter(t -> t.phase().equals("detected")).map(TimelineEntry::at)
                .findFirst().orElse(record.updatedAt());
        List<String> evidence = record.timeline().stream().filter(t -> t.phase().equals("detected"))
                .map(t -> t.detail() == null ? "detected" : t.detail()).findFirst().map(List::of).orElse(List.of());
        Incident incident = new Incident(record.incidentId(), record.hostId(), record.fencing(), evidence,
                record.lastHeartbeatAt() == null ? detected : record.lastHeartbeatAt(), detected,
                record.requestId() == null ? record.incidentId() + "-request" : record.requestId());
        incident.timeline.addAll(record.timeline());
        record.timeline().stream().filter(t -> t.phase().equals("fenced")).findFirst()
                .ifPresent(t -> incident.fencedAt = t.at());
        record.timeline().stream().filter(t -> t.phase().equals("plan-received")).findFirst()
                .ifPresent(t -> incident.planReceivedAt = t.at());
        for (VmRecovery vm : record.vms()) {
            VmProgress progress = new VmProgress(vm.vmId(), vm.tier(), vm.fromHost(), vm.toHost(), vm.status(), vm.detail(), vm.at());
            progress.commandId = vm.commandId();
            progress.generation = vm.placementGeneration() == null ? 0 : vm.placementGeneration();
            progress.spec = specs.apply(vm.vmId());
            incident.vms.put(vm.vmId(), progress);
            if (vm.commandId() != null) {
                incident.vmByCommand.put(vm.commandId(), vm.vmId());
            }
            if (vm.status() == VmStatus.PENDING && vm.toHost() != null && incident.planReceivedAt != null) {
                incident.waitingToStart.add(vm.vmId());
            }
            if (vm.status() == VmStatus.STARTED && (incident.lastStartedAt == null || vm.at().isAfter(incident.lastStartedAt))) {
                incident.lastStartedAt = vm.at();
            }
        }
        return incident;
    }

    String id() {
        return id;
    }

    String hostId() {
        return hostId;
    }

    String requestId() {
        return requestId;
    }

    Status status() {
        return status;
    }

    Instant detectedAt() {
        return detectedAt;
    }

    Instant lastHeartbeatAt() {
        return lastHeartbeatAt;
    }

    boolean planReceived() {
        return planReceivedAt != null;
    }

    Instant planReceivedAt() {
        return planReceivedAt;
    }

    Instant lastStartedAt() {
        return lastStartedAt;
    }

    String fencing() {
        return fencing;
    }

    boolean fenced() {
        return fencedAt != null;
    }

    Instant fencedAt() {
        return fencedAt;
    }

    /** The host is proven (or, past the self-fence deadline, assumed) off: its VMs may start elsewhere. */
    void fenced(String how, Instant at) {
        fencing = how;
        fencedAt = at;
        selfFenceDeadline = null;
    }

    void fencing(String description) {
        fencing = description;
    }

    Instant selfFenceDeadline() {
        return selfFenceDeadline;
    }

    void awaitSelfFence(Instant deadline) {
        selfFenceDeadline = deadline;
    }

    void record(Instant at, String phase, String detail) {
        timeline.add(new TimelineEntry(at, phase, detail));
        updatedAt = at;
    }

    void planReceived(Instant at) {
        planReceivedAt = at;
    }

    /**
     * An evacuation request waiting for its plan: the incident's own ({@code vmIds} empty: all its VMs) or a
     * re-placement of VMs whose start failed, excluding the hosts where it failed.
     */
    static final class PendingRequest {
        final String requestId;
        final List<String> vmIds;
        final List<String> excludeHostIds;
        Instant sentAt;
        int attempts = 1;
        boolean alerted;

        PendingRequest(String requestId, List<String> vmIds, List<String> excludeHostIds, Instant sentAt) {
            this.requestId = requestId;
            this.vmIds = List.copyOf(vmIds);
            this.excludeHostIds = List.copyOf(excludeHostIds);
            this.sentAt = sentAt;
        }
    }

    PendingRequest requested(String request, List<String> vmIds, List<String> excludeHostIds, Instant at) {
        PendingRequest pending = new PendingRequest(request, vmIds, excludeHostIds, at);
        pendingRequests.put(request, pending);
        return pending;
    }

    /** Removes and returns the pending request a plan answers; empty for a plan of no (or an answered) request. */
    Optional<PendingRequest> answered(String request) {
        return Optional.ofNullable(pendingRequests.remove(request));
    }

    List<PendingRequest> pendingRequests() {
        return List.copyOf(pendingRequests.values());
    }

    /** A VM the failed host carried, known from the placement ledger before any plan. */
    void expect(String vmId, long generation) {
        vms.computeIfAbsent(vmId, v -> new VmProgress(vmId, null, hostId, null, VmStatus.PENDING,
                "placed on " + hostId + " (generation " + generation + ")", detectedAt));
    }

    VmProgress vm(String vmId) {
        return vms.get(vmId);
    }

    List<VmProgress> vms() {
        return List.copyOf(vms.values());
    }

    VmProgress plan(VmSpec spec, String fromHost, String targetHost, long generation, Instant at) {
        VmProgress vm = vms.computeIfAbsent(spec.vmId(), v -> new VmProgress(v, spec.tier(), fromHost, null, VmStatus.PENDING, null, at));
        vm.tier = spec.tier();
        vm.fromHost = fromHost == null ? hostId : fromHost;
        vm.toHost = targetHost;
        vm.spec = spec;
        vm.generation = generation;
        vm.update(VmStatus.PENDING, "planned on " + targetHost + " (generation " + generation + ")", at);
        waitingToStart.add(spec.vmId());
        return vm;
    }

    void unplaceable(String vmId, Tier tier, String reason, Instant at) {
        VmProgress vm = vms.computeIfAbsent(vmId, v -> new VmProgress(v, tier, hostId, null, VmStatus.PENDING, null, at));
        vm.tier = tier;
        vm.update(VmStatus.UNPLACEABLE, reason, at);
    }

    /** Drops expected VMs the plan does not mention (not HA-protected); returns their ids. */
    List<String> dropUnplanned() {
        List<String> dropped = new ArrayList<>();
        vms.values().removeIf(vm -> {
            boolean unplanned = vm.status == VmStatus.PENDING && vm.spec == null;
            if (unplanned) {
                dropped.add(vm.vmId);
            }
            return unplanned;
        });
        return dropped;
    }

    Optional<VmProgress> nextToStart() {
        String vmId = waitingToStart.poll();
        return vmId == null ? Optional.empty() : Optional.of(vms.get(vmId));
    }

    /** VMs planned and not yet issued, in plan order. */
    List<VmProgress> waiting() {
        return waitingToStart.stream().map(vms::get).toList();
    }

    /** Takes a waiting VM out of the queue to issue its start. */
    void take(VmProgress vm) {
        waitingToStart.remove(vm.vmId);
    }

    long inFlight() {
        return vms.values().stream().filter(vm -> vm.status == VmStatus.STARTING).count();
    }

    void starting(VmProgress vm, String commandId, Instant at) {
        vm.commandId = commandId;
        vm.update(VmStatus.STARTING, "DEFINE_AND_START command " + commandId + " issued to " + vm.toHost, at);
        vmByCommand.put(commandId, vm.vmId);
    }

    Optional<VmProgress> byCommand(String commandId) {
        return Optional.ofNullable(vmByCommand.get(commandId)).map(vms::get);
    }

    void started(VmProgress vm, String detail, Instant at) {
        vm.update(VmStatus.STARTED, detail, at);
        lastStartedAt = at;
    }

    boolean allSettled() {
        return planReceivedAt != null && waitingToStart.isEmpty() && pendingRequests.isEmpty() && vms.values().stream()
                .allMatch(vm -> vm.status == VmStatus.STARTED || vm.status == VmStatus.FAILED || vm.status == VmStatus.UNPLACEABLE);
    }

    void close(Status outcome, Instant at) {
        status = outcome;
        closedAt = at;
        updatedAt = at;
    }

    IncidentSnapshot snapshot() {
        return new IncidentSnapshot(id, hostId, status, fencing, evidence, lastHeartbeatAt, detectedAt, requestId,
                closedAt, updatedAt, timeline, vms.values().stream().map(VmProgress::toRecovery).toList());
    }

    RecoveryRecord toRecord() {
        return snapshot().toRecord();
    }

    /** Where one VM of the incident stands. */
    static final class VmProgress {
        final String vmId;
        Tier tier;
        String fromHost;
        String toHost;
        VmSpec spec;
        long generation;
        String commandId;
        VmStatus status;
        String detail;
        Instant at;
        /** Hosts where its start failed, in order (kept in memory only). */
        final List<String> failedOn = new ArrayList<>();

        VmProgress(String vmId, Tier tier, String fromHost, String toHost, VmStatus status, String detail, Instant at) {
            this.vmId = vmId;
            this.tier = tier;
            this.fromHost = fromHost;
            this.toHost = toHost;
            this.status = status;
            this.detail = detail;
            this.at = at;
        }

        void update(VmStatus newStatus, String newDetail, Instant when) {
            status = newStatus;
            detail = newDetail;
            at = when;
        }

        VmRecovery toRecovery() {
            return new VmRecovery(vmId, tier, fromHost, toHost, status, detail, at, commandId,
                    spec == null && commandId == null ? null : generation);
        }
    }
}
