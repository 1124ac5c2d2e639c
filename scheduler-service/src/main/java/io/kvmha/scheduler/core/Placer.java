package io.kvmha.scheduler.core;

import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.VmSpec;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one decision-maker of this scheduler instance: each decision is computed and claimed in the
 * {@link ClusterView} under its lock, before anything is published, so fast consecutive requests cannot
 * double-book a cell or a CPU, and the later echo of the published placement changes nothing.
 */
public final class Placer {

    /** Evacuation plans remembered by request id, so a redelivered request gets the same answer. */
    private static final int REMEMBERED_EVACUATIONS = 256;

    private final ClusterView view;
    private final PlacementEngine engine;
    private final EvacuationPlanner planner;
    private final TierQuotas quotas;
    private final FailoverAdmission admission;
    private final InstantSource clock;
    private final Map<String, EvacuationOutcome> evacuations = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, EvacuationOutcome> eldest) {
            return size() > REMEMBERED_EVACUATIONS;
        }
    };

    public Placer(ClusterView view, PlacementEngine engine, EvacuationPlanner planner, TierQuotas quotas,
                  FailoverAdmission admission, InstantSource clock) {
        this.view = view;
        this.engine = engine;
        this.planner = planner;
        this.quotas = quotas;
        this.admission = admission;
        this.clock = clock;
    }

    /** Without quotas or admission control: the walking skeleton's behaviour. */
    public Placer(ClusterView view, PlacementEngine engine, EvacuationPlanner planner, InstantSource clock) {
        this(view, engine, planner, TierQuotas.NONE, new FailoverAdmission(0, Set.of(), engine), clock);
    }

    /**
     * Admits a new VM (placement generation 1) and claims it: unless its spec is impossible, its name is
     * taken, its tier is over quota, nothing fits, or placing it would leave the cluster unable to restart
     * the HA VMs of any failed host (then the claim is undone).
     */
    public Admission admit(VmSpec spec) {
        List<SpecValidation.Violation> violations = SpecValidation.violations(spec);
        if (!violations.isEmpty()) {
            return new Admission.Invalid(violations);
        }
        return view.exclusively(() -> {
            ClusterLedger ledger = view.ledger();
            Optional<String> sameName = ledger.vmIdNamed(spec.name());
            if (sameName.isPresent()) {
                return new Admission.DuplicateName(spec.name(), sameName.get());
            }
            String quota = quotas.refusal(spec.tier(), spec.memoryMib(), ledger);
            if (quota != null) {
                return new Admission.Refused(Admission.Rule.TIER_QUOTA, quota);
            }
            PlacementDecision decision = engine.place(spec, ledger, Set.of());
            if (!(decision instanceof PlacementDecision.Placed placed)) {
                return new Admission.Rejected((PlacementDecision.NoHostFits) decision);
            }
            Placement placement = new Placement(spec.vmId(), placed.hostId(), 1, placed.hostCells(), placed.reason(),
                    null, clock.instant(), placed.claims());
            ledger.putSpec(spec);
            ledger.putPlacement(placement);
            String reserve = admission.violation(ledger);
            if (reserve != null) {
                ledger.removePlacement(spec.vmId());
                ledger.removeSpec(spec.vmId());
                return new Admission.Refused(Admission.Rule.FAILOVER_RESERVE, "placing " + spec.name() + " on "
                        + placed.hostId() + " would break the failover reserve (N+" + admission.hostFailures()
                        + "): " + reserve);
            }
            return new Admission.Admitted(spec, placement, placed.reason());
        });
    }

    /** Takes back a claim that could not be published, so its capacity is not lost. */
    public void release(Admission.Admitted admitted) {
        view.exclusively(() -> {
            ClusterLedger ledger = view.ledger();
            if (ledger.placement(admitted.spec().vmId()).filter(admitted.placement()::equals).isPresent()) {
                ledger.removePlacement(admitted.spec().vmId());
                ledger.removeSpec(admitted.spec().vmId());
            }
            return null;
        });
    }

    /**
     * Plans the evacuation of failed hosts and claims every move in the ledger. A request id seen before
     * gets the plan it got then (the ledger already holds those moves), so redelivery is harmless.
     */
    public Evacuation evacuate(String requestId, String incidentId, Set<String> failedHostIds) {
        return evacuate(requestId, incidentId, failedHostIds, Set.of(), Set.of());
    }

    /**
     * As {@link #evacuate(String, String, Set)}; with {@code vmIds}, only those VMs are (re-)placed, wherever their
     * latest placement is (a retry of starts that failed), and never on {@code excludedHostIds}.
     */
    public Evacuation evacuate(String requestId, String incidentId, Set<String> failedHostIds, Set<String> vmIds,
                               Set<String> excludedHostIds) {
        return evacuateAll(List.of(new EvacuationAsk(requestId, incidentId, List.copyOf(failedHostIds),
                List.copyOf(vmIds), List.copyOf(excludedHostIds)))).get(0);
    }

    /**
     * Plans and claims a batch of evacuation requests (those that arrived together), under the lock once. The full
     * evacuations among them are planned in one pass ({@link EvacuationPlanner#plan(List, ClusterLedger, Instant)}:
     * one recovery order across all their VMs, every failed host of the pass excluded for every VM). A re-placement
     * request ({@code vmIds} or {@code excludeHostIds} given) is planned alone, in its place in the batch; so is a
     * second request of the same incident and hosts (it plans after the first one's moves). A request id seen
     * before, here or in the batch, gets the plan it got then.
     *
     * @return one answer per request, in their order
     */
    public List<Evacuation> evacuateAll(List<EvacuationAsk> requests) {
        return view.exclusively(() -> {
            ClusterLedger ledger = view.ledger();
            Instant now = clock.instant();
            Evacuation[] answers = new Evacuation[requests.size()];
            Map<String, Integer> firstInBatch = new HashMap<>();
            List<Integer> pass = new ArrayList<>();
            Set<String> passKeys = new HashSet<>();
            for (int i = 0; i < requests.size(); i++) {
                EvacuationAsk request = requests.get(i);
                EvacuationOutcome known = evacuations.get(request.requestId());
                if (known != null) {
                    answers[i] = new Evacuation(known, true);
                } else if (firstInBatch.putIfAbsent(request.requestId(), i) != null) {
                    continue; // answered below, once the first one is planned
                } else if (request.vmIds().isEmpty() && request.excludeHostIds().isEmpty()) {
                    String incidentAndHosts = request.incidentId() + "\n" + EvacuationPlanner.reason(request.failedHostIds());
                    if (passKeys.contains(incidentAndHosts)) {
                        planTogether(requests, pass, answers, ledger, now);
                        passKeys.clear();
                    }
                    passKeys.add(incidentAndHosts);
                    pass.add(i);
                } else {
                    planTogether(requests, pass, answers, ledger, now);
                    passKeys.clear();
                    EvacuationOutcome outcome = planner.replan(new LinkedHashSet<>(request.vmIds()),
                            new LinkedHashSet<>(request.failedHostIds()), new LinkedHashSet<>(request.excludeHostIds()),
                            request.incidentId(), ledger, now);
                    remember(request, outcome, answers, i);
                }
            }
            planTogether(requests, pass, answers, ledger, now);
            for (int i = 0; i < answers.length; i++) {
                if (answers[i] == null) {
                    answers[i] = new Evacuation(answers[firstInBatch.get(requests.get(i).requestId())].outcome(), true);
                }
            }
            return List.of(answers);
        });
    }

    /** Plans the requests at {@code indexes} in one pass, remembers their answers and empties {@code indexes}. */
    private void planTogether(List<EvacuationAsk> requests, List<Integer> indexes, Evacuation[] answers,
                              ClusterLedger ledger, Instant now) {
        if (indexes.isEmpty()) {
            return;
        }
        List<EvacuationPlanner.FailedHosts> failures = indexes.stream().map(requests::get)
                .map(r -> new EvacuationPlanner.FailedHosts(r.incidentId(), new LinkedHashSet<>(r.failedHostIds())))
                .toList();
        List<EvacuationOutcome> outcomes = planner.plan(failures, ledger, now);
        for (int k = 0; k < indexes.size(); k++) {
            remember(requests.get(indexes.get(k)), outcomes.get(k), answers, indexes.get(k));
        }
        indexes.clear();
    }

    private void remember(EvacuationAsk request, EvacuationOutcome outcome, Evacuation[] answers, int index) {
        evacuations.put(request.requestId(), outcome);
        answers[index] = new Evacuation(outcome, false);
    }

    /** @param repeated true when this request id was planned before and the remembered plan is returned */
    public record Evacuation(EvacuationOutcome outcome, boolean repeated) {
    }

    /**
     * Marks a host draining (no new VMs) and plans and claims a live-migration target for each of its VMs.
     * Empty when the host is unknown. Draining again plans the VMs still placed there (none once all moved).
     */
    public Optional<EvacuationOutcome> drain(String hostId) {
        return view.exclusively(() -> {
            ClusterLedger ledger = view.ledger();
            if (ledger.host(hostId).isEmpty()) {
                return Optional.<EvacuationOutcome>empty();
            }
            ledger.setDraining(hostId, true);
            return Optional.of(planner.planDrain(hostId, ledger, clock.instant()));
        });
    }

    /** Lets a host take new VMs again. @return false when the host is unknown */
    public boolean undrain(String hostId) {
        return view.exclusively(() -> {
            ClusterLedger ledger = view.ledger();
            if (ledger.host(hostId).isEmpty()) {
                return false;
            }
            ledger.setDraining(hostId, false);
            return true;
        });
    }

    /**
     * Plans and claims a live migration of one VM: to {@code targetHostId} when given (if it fits there),
     * else to the best host other than its current one. Empty when the VM is unknown or has no placement.
     */
    public Optional<EvacuationOutcome> migrate(String vmId, String targetHostId) {
        return view.exclusively(() -> {
            ClusterLedger ledger = view.ledger();
            Optional<VmSpec> spec = ledger.spec(vmId);
            Optional<Placement> current = ledger.placement(vmId);
            if (spec.isEmpty() || current.isEmpty()) {
                return Optional.<EvacuationOutcome>empty();
            }
            Set<String> excluded = new HashSet<>();
            excluded.add(current.get().hostId());
            if (targetHostId != null) {
                for (HostLedger host : ledger.hostArray()) {
                    if (!host.hostId().equals(targetHostId)) {
                        excluded.add(host.hostId());
                    }
                }
            }
            List<EvacuationOutcome.Unplaced> unplaced = new ArrayList<>();
            List<EvacuationOutcome.Move> moves = planner.migrate(spec.get(), excluded,
                    "migration from " + current.get().hostId() + " (live)", ledger, clock.instant(), unplaced);
            return Optional.of(new EvacuationOutcome(moves, unplaced));
        });
    }

    /** Removes a VM from the ledger. @return its last placement (empty if it had none), or null if unknown */
    public Deleted delete(String vmId) {
        return view.exclusively(() -> {
            ClusterLedger ledger = view.ledger();
            Optional<VmSpec> spec = ledger.spec(vmId);
            if (spec.isEmpty()) {
                return null;
            }
            Optional<Placement> placement = ledger.placement(vmId);
            ledger.removePlacement(vmId);
            ledger.removeSpec(vmId);
            return new Deleted(spec.get(), placement.orElse(null));
        });
    }

    /** @param placement null when the VM had no placement */
    public record Deleted(VmSpec spec, Placement placement) {
    }

    /** Current failover headroom and whether the N+K reserve holds. */
    public Headroom headroom() {
        return view.exclusively(() -> {
            ClusterLedger ledger = view.ledger();
            String violation = admission.violation(ledger);
            return new Headroom(admission.headroomBytes(ledger), violation == null, violation,
                    admission.hostFailures());
        });
    }

    /** @param violation why the reserve does not hold, or null */
    public record Headroom(long headroomBytes, boolean reserveHolds, String violation, int hostFailures) {
    }
}
