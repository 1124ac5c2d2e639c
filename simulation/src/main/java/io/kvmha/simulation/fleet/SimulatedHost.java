package io.kvmha.simulation.fleet;

import io.kvmha.agent.core.CommandAttribution;
import io.kvmha.agent.core.CommandExecutor;
import io.kvmha.agent.core.DomainLifecycleChange;
import io.kvmha.agent.core.DomainStats;
import io.kvmha.agent.core.HeartbeatComposer;
import io.kvmha.agent.core.HostDescription;
import io.kvmha.agent.core.HypervisorDomain;
import io.kvmha.agent.core.InventoryComposer;
import io.kvmha.agent.core.MetricSampleComposer;
import io.kvmha.agent.core.PlacementBook;
import io.kvmha.agent.core.SimulatedTopology;
import io.kvmha.agent.libvirt.LibvirtHypervisor;
import io.kvmha.agent.simulation.TestDriverHostFile;
import io.kvmha.contracts.event.CommandResult;
import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.event.HostHeartbeat;
import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.VmLifecycleEvent;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One simulated host: its own libvirt test-driver connection (a generated host file with the simulation's
 * topology), and the host agent's plain-Java core — heartbeat, inventory and metric composers, the command
 * executor with its placement book and attribution — producing exactly the events a real agent produces.
 * What a real agent runs as Spring beans with their own threads and Kafka clients, the fleet provides
 * shared: producers, one command consumer, schedulers, and a {@link SerialLane} per host for commands.
 */
public final class SimulatedHost {

    /** Whether the host is up and reachable. */
    public enum Power { ON, PARTITIONED, OFF }

    private static final Logger log = LoggerFactory.getLogger(SimulatedHost.class);
    private static final String AGENT_VERSION = "simulated";

    private final String hostId;
    private final Map<String, String> labels;
    private final LibvirtHypervisor hypervisor;
    private final HeartbeatComposer heartbeats;
    private final InventoryComposer inventory;
    private final MetricSampleComposer metrics;
    private final CommandExecutor executor;
    private final PlacementBook placements;
    private final CommandAttribution attribution;
    private final FleetProducers producers;
    private final SerialLane lane;
    private final Clock clock;
    private final Consumer<VmStart> startLog;

    private volatile Power power = Power.ON;
    private volatile List<HypervisorDomain> domains = List.of();
    private volatile Instant lastHeartbeatAcked;
    private volatile boolean heartbeatFailing;
    private final java.util.concurrent.atomic.AtomicLong heartbeatsAcked = new java.util.concurrent.atomic.AtomicLong();

    SimulatedHost(String hostId, Map<String, String> labels, SimulatedTopology topology, Path hostFileDir,
                  FleetProducers producers, Executor commandPool, Clock clock, Consumer<VmStart> startLog) {
        this.hostId = hostId;
        this.labels = Map.copyOf(labels);
        this.producers = producers;
        this.clock = clock;
        this.startLog = startLog;
        String uri = TestDriverHostFile.write(hostFileDir, hostId, topology);
        this.hypervisor = new LibvirtHypervisor(uri, hostId);
        this.heartbeats = new HeartbeatComposer(hostId, AGENT_VERSION, clock);
        this.inventory = new InventoryComposer(hostId, Optional.of(topology), labels, clock);
        this.metrics = new MetricSampleComposer(hostId, clock);
        this.attribution = new CommandAttribution(clock, Duration.ofSeconds(10));
        this.placements = new PlacementBook(hostId);
        this.executor = new CommandExecutor(hostId, hypervisor, clock, 10_000, attribution);
        this.executor.usePlacements(placements, Duration.ofSeconds(1));
        this.lane = new SerialLane(commandPool);
    }

    /** Connects to libvirt, lists the (empty) host and publishes its inventory, as an agent does at start-up. */
    void boot() {
        hypervisor.connect();
        hypervisor.addLifecycleListener(this::onLifecycle);
        refreshDomains();
        producers.publish(inventory.compose(hypervisor.uri(), hypervisor.describeHost()));
    }

    public String hostId() {
        return hostId;
    }

    public Map<String, String> labels() {
        return labels;
    }

    public Power power() {
        return power;
    }

    /** Send time of the last heartbeat the broker acknowledged (the start of a recovery's clock). */
    public Instant lastHeartbeatAcked() {
        return lastHeartbeatAcked;
    }

    public long heartbeatsAcked() {
        return heartbeatsAcked.get();
    }

    /** The domains as last listed (what the heartbeats carry). */
    public List<HypervisorDomain> domains() {
        return domains;
    }

    /** The domains running now, read from libvirt (empty when the host is off). */
    public List<HypervisorDomain> runningDomains() {
        if (power == Power.OFF || !hypervisor.isConnected()) {
            return List.of();
        }
        return hypervisor.listDomains().stream().filter(HypervisorDomain::isActive).toList();
    }

    void beat() {
        if (power != Power.ON) {
            return;
        }
        boolean connected = hypervisor.isConnected();
        // Never self-fenced (the simulated agent has no self-fence timer) and never in maintenance.
        HostHeartbeat heartbeat = heartbeats.next(connected, domains, false, false);
        Instant sentAt = clock.instant();
        producers.heartbeat(heartbeat, (metadata, failure) -> {
            if (failure == null) {
                lastHeartbeatAcked = sentAt;
                heartbeatsAcked.incrementAndGet();
                if (heartbeatFailing) {
                    heartbeatFailing = false;
                    log.info("host={} heartbeats delivered again (sequence {})", hostId, heartbeat.sequence());
                }
            } else if (!heartbeatFailing) {
                heartbeatFailing = true;
                log.warn("host={} heartbeat {} not delivered: {}", hostId, heartbeat.sequence(), failure.toString());
            }
        });
    }

    void refreshDomains() {
        if (power == Power.OFF || !hypervisor.isConnected()) {
            return;
        }
        try {
            domains = hypervisor.listDomains();
        } catch (RuntimeException e) {
            log.debug("host={} domain list not refreshed: {}", hostId, e.getMessage());
        }
    }

    void sampleMetrics() {
        if (power != Power.ON || !hypervisor.isConnected()) {
            return;
        }
        HostDescription host = hypervisor.describeHost();
        List<DomainStats> stats = new ArrayList<>();
        for (HypervisorDomain d : domains) {
            if (d.isActive()) {
                hypervisor.stats(d.uuid()).ifPresent(stats::add);
            }
        }
        producers.publish(metrics.compose(true, host, stats));
    }

    void onPlacement(Placement placement) {
        placements.put(placement);
    }

    /** A command from the fleet's consumer: handled on this host's lane, unless the host cannot hear it. */
    void onCommand(HostCommand command) {
        if (power != Power.ON) {
            return;
        }
        Instant receivedAt = clock.instant();
        lane.submit(() -> execute(command, receivedAt));
    }

    private void execute(HostCommand command, Instant receivedAt) {
        if (power != Power.ON) {
            return;
        }
        Optional<CommandExecutor.Handling> handled = executor.handle(command, producers::publish);
        if (handled.isEmpty()) {
            return;
        }
        CommandResult result = handled.get().result();
        if (power != Power.ON) {
            return; // lost power while executing: the result never left the host
        }
        producers.publish(result);
        boolean starts = command.action() == HostCommand.Action.DEFINE_AND_START || command.action() == HostCommand.Action.START;
        if (starts && result.outcome() == CommandResult.Outcome.SUCCEEDED && !handled.get().replayed()) {
            startLog.accept(new VmStart(command.vmId(), hostId, command.spec() == null ? null : command.spec().tier(),
                    command.incidentId(), command.issuedBy(), command.issuedAt(), receivedAt, clock.instant()));
        }
        if (result.outcome() != CommandResult.Outcome.SUCCEEDED) {
            log.info("host={} vm={} command={} action={} incident={} -> {}: {}", hostId, command.vmId(),
                    command.commandId(), command.action(), command.incidentId(), result.outcome(), handled.get().note());
        }
    }

    private void onLifecycle(DomainLifecycleChange change) {
        if (power == Power.OFF) {
            return;
        }
        String commandId = attribution.commandFor(change.uuid(), change.kind()).orElse(null);
        if (power == Power.ON) {
            producers.publish(new VmLifecycleEvent(change.uuid(), hostId, change.name(), change.kind(), change.reason(),
                    false, commandId, clock.instant()));
        }
        refreshDomains();
    }

    /** Network partition: the host keeps running its domains but neither hears nor is heard. */
    void partition() {
        power = Power.PARTITIONED;
    }

    void heal() {
        if (power == Power.PARTITIONED) {
            power = Power.ON;
        }
    }

    /** Power loss: heartbeats stop and the libvirt connection closes, which discards every domain. */
    void powerOff() {
        power = Power.OFF;
        hypervisor.close();
    }
}
