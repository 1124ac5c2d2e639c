package io.kvmha.faultsoak;

import io.kvmha.agent.core.CommandAttribution;
import io.kvmha.agent.core.CommandExecutor;
import io.kvmha.agent.core.DomainListing;
import io.kvmha.agent.core.HeartbeatComposer;
import io.kvmha.agent.core.HypervisorDomain;
import io.kvmha.agent.core.InMemoryCommandJournal;
import io.kvmha.agent.core.PlacementBook;
import io.kvmha.agent.core.SelfFencing;
import io.kvmha.agent.core.SimulatedTopology;
import io.kvmha.contracts.event.CommandResult;
import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.event.HostHeartbeat;
import io.kvmha.contracts.event.HostInventory;
import io.kvmha.contracts.event.KvmHaEvent;
import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.topic.Topic;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One simulated host: its power, its hypervisor (domains outlive the agent), and the host agent built from the
 * agent's real core ({@link CommandExecutor}, {@link PlacementBook}, {@link HeartbeatComposer}, {@link SelfFencing},
 * {@link DomainListing}, the command journal kept on the host's "disk") driven as its Kafka adapters drive it: heartbeats every 500 ms acknowledged by the broker,
 * self-fence checks every 250 ms, commands one at a time per VM and committed in order only once their result is
 * published (or 10 s later anyway, as the listener does), the placements replayed from the start on every start.
 */
public final class SimHost {

    static final Duration HEARTBEAT_INTERVAL = Duration.ofMillis(500);
    static final Duration SELF_FENCE_TIMEOUT = Duration.ofSeconds(10);
    static final SimulatedTopology TOPOLOGY = new SimulatedTopology(2, 16, 32L << 30);

    private final String id;
    private final World world;
    private final Bus bus;
    private final History history;
    private final SimHypervisor hypervisor;
    /**
     * The agent's command journal, on the host's disk: it outlives agent crashes and power losses (the real agent's
     * {@code FileCommandJournal} forces every line to disk before it acts), so a redelivered command is never run twice.
     */
    private final InMemoryCommandJournal journal = new InMemoryCommandJournal(4096);
    private final Bus.Endpoint endpoint;
    /** Commands delivered and not yet committed, in delivery order: Kafka delivers them again after a crash. */
    private final List<Delivery> uncommitted = new ArrayList<>();
    private boolean powered = true;
    private Agent agent;
    private int epoch;
    private long executions;
    private Instant stalledUntil = Instant.MIN;

    private static final class Delivery {
        final HostCommand command;
        boolean done;

        Delivery(HostCommand command) {
            this.command = command;
        }
    }

    /** What dies with the agent process. */
    private final class Agent {
        final int epoch;
        final PlacementBook book = new PlacementBook(id);
        final CommandExecutor executor;
        final HeartbeatComposer composer;
        final SelfFencing selfFencing;
        final DomainListing listing = new DomainListing();
        final Map<String, Instant> laneFree = new HashMap<>();
        boolean fencePending;

        Agent(int epoch) {
            this.epoch = epoch;
            var clock = world.clock();
            this.executor = new CommandExecutor(id, hypervisor, clock, journal,
                    new CommandAttribution(clock, Duration.ofSeconds(5)), d -> { }, Duration.ofMillis(250));
            this.executor.usePlacements(book, Duration.ZERO, Duration.ZERO);
            this.composer = new HeartbeatComposer(id, "fault-soak", clock);
            this.selfFencing = new SelfFencing(clock, SELF_FENCE_TIMEOUT);
        }
    }

    SimHost(String id, World world, Bus bus, History history) {
        this.id = id;
        this.world = world;
        this.bus = bus;
        this.history = history;
        this.hypervisor = new SimHypervisor(id, history);
        this.endpoint = bus.endpoint("agent-" + id);
        bus.subscribe(endpoint, Topic.HOST_COMMANDS, e -> onCommand((HostCommand) e), true, id);
        bus.subscribe(endpoint, Topic.PLACEMENTS, e -> {
            if (agent != null) {
                agent.book.put((Placement) e);
            }
        }, true, null);
    }

    public String id() {
        return id;
    }

    SimHypervisor hypervisor() {
        return hypervisor;
    }

    boolean powered() {
        return powered;
    }

    boolean agentRunning() {
        return agent != null;
    }

    HostInventory inventory() {
        return new HostInventory(id, null, "sim://" + id, "sim", TOPOLOGY.cpus(), TOPOLOGY.memoryBytes(), TOPOLOGY.cells(),
                "TEST", "10.0.0", "10.0.0", true, Map.of(), world.now());
    }

    // --- the agent's life ---

    void startAgent() {
        if (!powered || agent != null) {
            return;
        }
        Agent a = new Agent(++epoch);
        agent = a;
        history.restored(id, Impairment.AGENT_DOWN);
        history.restored(id, Impairment.POWER_OFF);
        bus.dropBacklog(endpoint, Topic.PLACEMENTS);
        bus.replay(Topic.PLACEMENTS).forEach(p -> a.book.put((Placement) p));
        a.book.markCaughtUp();
        world.log("host=" + id + " agent started (epoch " + a.epoch + "), " + uncommitted.size() + " uncommitted commands to redeliver");
        bus.resumed(endpoint);
        bus.publish(endpoint, inventory());
        List<Delivery> again = List.copyOf(uncommitted);
        uncommitted.clear();
        again.forEach(d -> onCommand(d.command));
        refreshDomains(a);
        world.after(Duration.ofMillis(world.random().nextInt(500)), () -> beat(a));
        world.after(Duration.ofMillis(250), () -> selfFenceCheck(a));
    }

    void crashAgent(Impairment why) {
        if (agent == null) {
            return;
        }
        world.log("host=" + id + " agent process gone (" + why + ")");
        agent = null;
        bus.crashed(endpoint);
        history.impaired(id, why);
    }

    private boolean current(Agent a) {
        return agent == a;
    }

    private void refreshDomains(Agent a) {
        if (hypervisor.isConnected()) {
            a.listing.listed(hypervisor.listDomains(), true);
        } else {
            a.listing.disconnected();
        }
    }

    private void beat(Agent a) {
        if (!current(a)) {
            return;
        }
        world.after(HEARTBEAT_INTERVAL.plusMillis(world.random().nextInt(51) - 25), () -> beat(a));
        if (world.now().isBefore(stalledUntil)) {
            return;
        }
        boolean connected = hypervisor.isConnected();
        refreshDomains(a);
        DomainListing.Snapshot domains = a.listing.latest();
        HostHeartbeat heartbeat = a.composer.next(connected, domains.domains(), domains.complete(),
                a.selfFencing.selfFenced(), a.selfFencing.inMaintenance());
        if (bus.publish(endpoint, heartbeat)) {
            a.selfFencing.acknowledged();
        }
    }

    private void selfFenceCheck(Agent a) {
        if (!current(a)) {
            return;
        }
        world.after(Duration.ofMillis(250), () -> selfFenceCheck(a));
        if (world.now().isBefore(stalledUntil)) {
            return;
        }
        Optional<SelfFencing.Fence> fence = a.selfFencing.check();
        if (fence.isPresent()) {
            world.log("host=" + id + " SELF-FENCING: " + fence.get().reason());
            a.fencePending = true;
        }
        if (a.fencePending) {
            if (!a.selfFencing.selfFenced()) {
                a.fencePending = false;
            } else if (hypervisor.isConnected()) {
                List<String> destroyed = new ArrayList<>();
                for (HypervisorDomain d : hypervisor.listDomains()) {
                    if (d.isHaProtected() && d.isActive()) {
                        hypervisor.destroy(d.uuid());
                        destroyed.add(d.uuid());
                    }
                }
                world.log("host=" + id + " self-fenced: destroyed vms=" + destroyed);
                a.fencePending = false;
            }
        }
    }

    // --- commands ---

    private void onCommand(HostCommand command) {
        Agent a = agent;
        if (a == null) {
            return; // cannot happen: the bus parks deliveries for a dead endpoint
        }
        Delivery delivery = new Delivery(command);
        uncommitted.add(delivery);
        Duration work = command.action() == HostCommand.Action.DEFINE_AND_START
                ? world.between(Duration.ofMillis(300), Duration.ofMillis(1500))
                : world.between(Duration.ofMillis(30), Duration.ofMillis(200));
        Instant free = a.laneFree.getOrDefault(command.vmId(), world.now());
        Instant at = (free.isAfter(world.now()) ? free : world.now()).plus(work);
        a.laneFree.put(command.vmId(), at);
        world.at(at, () -> execute(a, delivery));
    }

    private void execute(Agent a, Delivery delivery) {
        if (!current(a)) {
            return; // the agent died first: redelivered from the uncommitted list when it starts again
        }
        if (world.now().isBefore(stalledUntil)) {
            world.at(stalledUntil, () -> execute(a, delivery));
            return;
        }
        HostCommand command = delivery.command;
        hypervisor.beginCommand(command.commandId(), ++executions);
        Optional<CommandExecutor.Handling> handled;
        try {
            handled = a.executor.handle(command);
        } finally {
            hypervisor.endCommand();
        }
        if (handled.isEmpty()) {
            commit(delivery);
            return;
        }
        CommandResult result = handled.get().result();
        world.log("host=" + id + " executed " + command.action() + " command=" + command.commandId() + " vm=" + command.vmId()
                + " -> " + result.outcome() + (handled.get().replayed() ? " (replayed)" : "") + ": " + handled.get().note());
        refreshDomains(a);
        if (bus.publish(endpoint, result)) {
            commit(delivery);
        } else {
            // The listener waits 10 s for the broker's acknowledgement, then acknowledges the record anyway.
            world.after(Duration.ofSeconds(10), () -> {
                if (current(a)) {
                    commit(delivery);
                }
            });
        }
    }

    /** In-order commits: an offset is committed only once every command delivered before it is done. */
    private void commit(Delivery delivery) {
        delivery.done = true;
        while (!uncommitted.isEmpty() && uncommitted.get(0).done) {
            uncommitted.remove(0);
        }
    }

    // --- faults ---

    void powerOff(String why) {
        if (!powered) {
            return;
        }
        world.log("host=" + id + " POWER OFF (" + why + ")");
        powered = false;
        hypervisor.powerLost();
        history.impaired(id, Impairment.POWER_OFF);
        if (agent != null) {
            agent = null;
            bus.crashed(endpoint);
        }
        stalledUntil = Instant.MIN;
    }

    void powerOn(Duration boot) {
        if (powered) {
            return;
        }
        world.log("host=" + id + " power on; agent up in " + boot.toMillis() + " ms");
        powered = true;
        hypervisor.libvirtd(true);
        history.restored(id, Impairment.LIBVIRTD_DOWN);
        world.after(boot, this::startAgent);
    }

    void partition(boolean cut) {
        endpoint.partitioned = cut;
        if (cut) {
            history.impaired(id, Impairment.PARTITION);
        } else {
            history.restored(id, Impairment.PARTITION);
            if (agent != null) {
                bus.resumed(endpoint);
            }
        }
    }

    void libvirtd(boolean up) {
        hypervisor.libvirtd(up);
        if (up) {
            history.restored(id, Impairment.LIBVIRTD_DOWN);
        } else {
            history.impaired(id, Impairment.LIBVIRTD_DOWN);
        }
    }

    /** The agent stalls (a long GC pause): no heartbeat, no self-fence check, no command, until {@code until}. */
    void stall(Instant until) {
        stalledUntil = until;
    }

    /** Commands the host has not answered yet (for the log at the end). */
    List<KvmHaEvent> pendingCommands() {
        return uncommitted.stream().<KvmHaEvent>map(d -> d.command).toList();
    }
}
