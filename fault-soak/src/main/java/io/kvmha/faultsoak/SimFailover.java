package io.kvmha.faultsoak;

import io.kvmha.contracts.event.CommandResult;
import io.kvmha.contracts.event.EvacuationPlan;
import io.kvmha.contracts.event.HostHeartbeat;
import io.kvmha.contracts.event.HostInventory;
import io.kvmha.contracts.event.KvmHaEvent;
import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.RecoveryRecord;
import io.kvmha.contracts.event.VmSpec;
import io.kvmha.contracts.topic.Topic;
import io.kvmha.failover.core.Actions;
import io.kvmha.failover.core.CrashRestartPolicy;
import io.kvmha.failover.core.DetectionThresholds;
import io.kvmha.failover.core.DrainPolicy;
import io.kvmha.failover.core.FailoverEngine;
import io.kvmha.failover.core.FenceRequest;
import io.kvmha.failover.core.FencingPolicy;
import io.kvmha.failover.core.MassFailurePolicy;
import io.kvmha.failover.core.OperatorNote;
import io.kvmha.failover.core.PhiAccrualFailureDetector;
import io.kvmha.failover.core.PhiThresholds;
import io.kvmha.failover.core.RecoveryPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The failover service: its real {@link FailoverEngine} with the production defaults, driven as its Kafka adapters
 * drive it: ticks every 50 ms, heartbeats read from the end, plans and command results through a consumer group
 * (kept while it is down, the last second's delivered again after a crash), and on every start the compacted topics
 * replayed in the adapters' order (specs, then the open incidents resumed, then inventory and placements).
 */
final class SimFailover {

    static final Duration TICK = Duration.ofMillis(50);
    /** The service's defaults (failover-service.yml / FailoverProperties). */
    static final DetectionThresholds THRESHOLDS = new DetectionThresholds(Duration.ofSeconds(1), Duration.ofMillis(1600));
    static final PhiThresholds PHI = new PhiThresholds(3, 8, 100, Duration.ofMillis(100), Duration.ofMillis(400),
            Duration.ofMillis(500));
    static final RecoveryPolicy RECOVERY = new RecoveryPolicy(8, 4, Duration.ofSeconds(60), RecoveryPolicy.SERVICE,
            Duration.ofSeconds(10), 3, 3, Duration.ofSeconds(90), Duration.ofSeconds(5));

    private final World world;
    private final Bus bus;
    private final Bus.Endpoint endpoint;
    private final Map<String, SimBmc> bmcs;
    private FailoverEngine engine;
    /** Changes with every start and crash: a fencing outcome or tick of a dead instance is dropped. */
    private int epoch;
    private int instance;

    SimFailover(World world, Bus bus, Map<String, SimBmc> bmcs) {
        this.world = world;
        this.bus = bus;
        this.bmcs = bmcs;
        this.endpoint = bus.endpoint("failover-service");
        bus.subscribe(endpoint, Topic.HOST_HEARTBEATS, e -> decide(() -> engine.onHeartbeat((HostHeartbeat) e)), false, null);
        bus.subscribe(endpoint, Topic.HOST_INVENTORY, e -> engine.onInventory((HostInventory) e), false, null);
        bus.subscribe(endpoint, Topic.VM_SPECS, e -> engine.onSpec(e.key(), (VmSpec) e), false, null);
        bus.subscribe(endpoint, Topic.PLACEMENTS, e -> decide(() -> engine.onPlacement(e.key(), (Placement) e)), false, null);
        bus.subscribe(endpoint, Topic.PLACEMENT_PLANS, e -> decide(() -> engine.onPlan((EvacuationPlan) e)), true, null);
        bus.subscribe(endpoint, Topic.COMMAND_RESULTS, e -> decide(() -> engine.onCommandResult((CommandResult) e)), true, null);
        bus.redeliverOnCrash(endpoint, Topic.PLACEMENT_PLANS, Duration.ofSeconds(1));
        bus.redeliverOnCrash(endpoint, Topic.COMMAND_RESULTS, Duration.ofSeconds(1));
    }

    boolean running() {
        return engine != null;
    }

    void start() {
        int mine = ++epoch;
        String prefix = "f" + (++instance);
        Supplier<String> ids = () -> world.id(prefix);
        engine = new FailoverEngine(world.clock(), THRESHOLDS, new PhiAccrualFailureDetector(PHI, THRESHOLDS), RECOVERY,
                FencingPolicy.DEFAULT, MassFailurePolicy.DEFAULT, CrashRestartPolicy.DEFAULT, DrainPolicy.DEFAULT, ids);
        bus.markAlive(endpoint);
        bus.replay(Topic.VM_SPECS).forEach(e -> engine.onSpec(e.key(), (VmSpec) e));
        List<RecoveryRecord> open = bus.replay(Topic.RECOVERIES).stream().map(RecoveryRecord.class::cast)
                .filter(r -> r.status() == RecoveryRecord.Status.OPEN).toList();
        world.log("failover-service started (instance " + instance + "); resuming " + open.size() + " open incidents");
        if (!open.isEmpty()) {
            decide(() -> engine.resume(open));
        }
        bus.replay(Topic.HOST_INVENTORY).forEach(e -> engine.onInventory((HostInventory) e));
        bus.replay(Topic.PLACEMENTS).forEach(e -> decide(() -> engine.onPlacement(e.key(), (Placement) e)));
        bus.resumed(endpoint);
        world.after(TICK, () -> tick(mine));
    }

    /** Every host judged and ONLINE, no incident open. */
    boolean quiet(int hostCount) {
        if (engine == null) {
            return false;
        }
        var hosts = engine.hosts();
        return hosts.size() == hostCount
                && hosts.values().stream().allMatch(h -> h.state() == io.kvmha.contracts.event.HostState.ONLINE)
                && engine.incidents().stream().allMatch(i -> i.status() != RecoveryRecord.Status.OPEN);
    }

    void crash() {
        if (engine == null) {
            return;
        }
        world.log("failover-service CRASHED (instance " + instance + ")");
        engine = null;
        epoch++;
        bus.crashed(endpoint);
    }

    private void tick(int mine) {
        if (mine != epoch || engine == null) {
            return;
        }
        decide(engine::tick);
        world.after(TICK, () -> tick(mine));
    }

    private void decide(Supplier<Actions> decision) {
        if (engine == null) {
            return;
        }
        apply(decision.get());
    }

    private void apply(Actions actions) {
        for (OperatorNote note : actions.notes()) {
            if (note.level() != OperatorNote.Level.DEBUG) {
                world.log("failover " + note.level() + " " + note.message());
            }
        }
        for (KvmHaEvent event : actions.events()) {
            if (world.keepsLog() && !(event instanceof RecoveryRecord)) {
                world.log("failover publishes " + Describe.event(event));
            }
            bus.publish(endpoint, event);
        }
        int mine = epoch;
        for (FenceRequest request : actions.fences()) {
            world.log("failover fences host=" + request.hostId() + " incident=" + request.incidentId() + " via BMC ("
                    + bmcs.get(request.hostId()).mode() + ")");
            bmcs.get(request.hostId()).fence(request, outcome -> {
                if (mine == epoch && engine != null) {
                    world.log("failover fence outcome " + outcome.summary());
                    decide(() -> engine.onFenceOutcome(outcome));
                }
            });
        }
    }
}
