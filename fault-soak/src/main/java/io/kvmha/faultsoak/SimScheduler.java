package io.kvmha.faultsoak;

import io.kvmha.contracts.event.EvacuationPlan;
import io.kvmha.contracts.event.EvacuationRequest;
import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.event.HostHealthChange;
import io.kvmha.contracts.event.HostInventory;
import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.VmSpec;
import io.kvmha.contracts.topic.Topic;
import io.kvmha.scheduler.core.Admission;
import io.kvmha.scheduler.core.ClusterView;
import io.kvmha.scheduler.core.EvacuationOutcome;
import io.kvmha.scheduler.core.EvacuationPlanner;
import io.kvmha.scheduler.core.PlacementEngine;
import io.kvmha.scheduler.core.Placer;
import io.kvmha.scheduler.core.AllocationRatios;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;

/**
 * The scheduler service: its real {@link Placer} over a {@link ClusterView} rebuilt from the compacted topics on
 * every start (as the active placer catches up before deciding), answering evacuation requests through a consumer
 * group (kept while it is down, the last second's delivered again after a crash) with placements first, then the
 * plan, as its DecisionPublisher does.
 */
final class SimScheduler {

    static final String ISSUER = "scheduler-service";
    static final Duration EVACUATION_MAX_AGE = Duration.ofMinutes(5);
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    private final World world;
    private final Bus bus;
    private final Bus.Endpoint endpoint;
    private ClusterView view;
    private Placer placer;
    private int instance;
    /** Armed by a SCHEDULER_CRASH_MID_PLAN fault: how long the scheduler stays down after it dies mid-evacuation. */
    private Duration crashMidPlan;

    SimScheduler(World world, Bus bus) {
        this.world = world;
        this.bus = bus;
        this.endpoint = bus.endpoint("scheduler-service");
        bus.subscribe(endpoint, Topic.HOST_INVENTORY, e -> view.applyInventory((HostInventory) e), false, null);
        bus.subscribe(endpoint, Topic.HOST_HEALTH, e -> view.applyHealth((HostHealthChange) e), false, null);
        bus.subscribe(endpoint, Topic.VM_SPECS, e -> view.applySpec((VmSpec) e), false, null);
        bus.subscribe(endpoint, Topic.PLACEMENTS, e -> view.applyPlacement((Placement) e), false, null);
        bus.subscribe(endpoint, Topic.PLACEMENT_REQUESTS, e -> evacuate((EvacuationRequest) e), true, null);
        bus.redeliverOnCrash(endpoint, Topic.PLACEMENT_REQUESTS, Duration.ofSeconds(1));
    }

    void start() {
        view = new ClusterView();
        PlacementEngine engine = new PlacementEngine(AllocationRatios.DEFAULT);
        placer = new Placer(view, engine, new EvacuationPlanner(engine), world.clock());
        bus.markAlive(endpoint);
        bus.replay(Topic.HOST_INVENTORY).forEach(e -> view.applyInventory((HostInventory) e));
        bus.replay(Topic.HOST_HEALTH).forEach(e -> view.applyHealth((HostHealthChange) e));
        bus.replay(Topic.VM_SPECS).forEach(e -> view.applySpec((VmSpec) e));
        bus.replay(Topic.PLACEMENTS).forEach(e -> view.applyPlacement((Placement) e));
        world.log("scheduler-service started (instance " + (++instance) + "), view rebuilt from the compacted topics");
        bus.resumed(endpoint);
    }

    boolean running() {
        return placer != null;
    }

    void crash() {
        if (placer == null) {
            return;
        }
        world.log("scheduler-service CRASHED (instance " + instance + ")");
        placer = null;
        view = null;
        bus.crashed(endpoint);
    }

    /** The next evacuation this scheduler answers, it dies between the placements and the plan. */
    void crashMidPlan(Duration downFor) {
        this.crashMidPlan = downFor;
    }

    /** Admits a new VM as POST /api/v1/vms does: spec, placement generation 1, DEFINE_AND_START. */
    boolean create(VmSpec spec) {
        Admission admission = placer.admit(spec);
        if (!(admission instanceof Admission.Admitted admitted)) {
            world.log("scheduler: vm=" + spec.vmId() + " not admitted: " + admission);
            return false;
        }
        Instant now = world.now();
        bus.publish(endpoint, admitted.spec());
        bus.publish(endpoint, admitted.placement());
        bus.publish(endpoint, new HostCommand(world.id("s"), admitted.placement().hostId(), spec.vmId(),
                HostCommand.Action.DEFINE_AND_START, admitted.spec(), admitted.placement().generation(), null, ISSUER, now,
                now.plus(COMMAND_TIMEOUT)));
        return true;
    }

    private void evacuate(EvacuationRequest request) {
        Duration age = Duration.between(request.requestedAt(), world.now());
        if (age.compareTo(EVACUATION_MAX_AGE) > 0) {
            world.log("scheduler: request=" + request.requestId() + " ignored, " + age.toSeconds() + " s old");
            return;
        }
        Placer.Evacuation evacuation = placer.evacuate(request.requestId(), request.incidentId(),
                new LinkedHashSet<>(request.failedHostIds()), new LinkedHashSet<>(request.vmIds()),
                new LinkedHashSet<>(request.excludeHostIds()));
        EvacuationOutcome outcome = evacuation.outcome();
        outcome.moves().forEach(m -> bus.publish(endpoint, m.placement()));
        if (crashMidPlan != null) {
            Duration down = crashMidPlan;
            crashMidPlan = null;
            world.log("scheduler: dies after publishing the placements of request=" + request.requestId() + ", before its plan");
            crash();
            world.after(down, () -> {
                if (!running()) {
                    start();
                }
            });
            return;
        }
        EvacuationPlan plan = new EvacuationPlan(request.requestId(), request.incidentId(),
                outcome.moves().stream().map(m -> new EvacuationPlan.Assignment(m.spec(), m.fromHostId(),
                        m.targetHostId(), m.placement().generation(), m.placement())).toList(),
                outcome.unplaced().stream().map(u -> new EvacuationPlan.Unplaced(u.spec().vmId(), u.spec().tier(),
                        u.reason())).toList(),
                world.now());
        world.log("scheduler: " + (evacuation.repeated() ? "repeated " : "") + Describe.event(plan)
                + (outcome.unplaced().isEmpty() ? "" : " unplaced " + outcome.unplaced().stream()
                        .map(u -> u.spec().vmId() + ": " + u.reason()).toList()));
        bus.publish(endpoint, plan);
    }
}
