package io.kvmha.simulation;

import io.kvmha.bmc.PowerState;
import io.kvmha.simulation.fleet.FleetSpec;
import io.kvmha.simulation.fleet.SimulatedFleet;
import io.kvmha.simulation.fleet.SimulatedHost;
import io.kvmha.simulation.plane.ClusterObserver;
import io.kvmha.simulation.plane.ControlPlane;
import io.kvmha.simulation.plane.VmCreator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole simulated cluster: the control plane in its processes ({@link ControlPlane}), the simulated fleet in this
 * JVM ({@link SimulatedFleet}), an observer of the control plane's decisions, and the faults the scenarios inject.
 * The BMC emulator's power button is wired to the fleet: a ForceOff by the failover service powers the host off.
 */
public final class Simulation implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Simulation.class);

    /**
     * @param vmsPerHost   VMs created through the scheduler's REST API before any scenario (10 at full size)
     * @param vmMemoryMib  memory of each of those VMs
     */
    public record Options(Path repositoryRoot, Path workDir, Path kafkaClasspath, FleetSpec fleet, int vmsPerHost, long vmMemoryMib,
                          String brokerHeap, List<String> serviceJvm, List<String> serviceArgs) {
        public Options {
            serviceJvm = List.copyOf(serviceJvm);
            serviceArgs = List.copyOf(serviceArgs);
        }
    }

    private final Options options;
    private ControlPlane plane;
    private SimulatedFleet fleet;
    private ClusterObserver observer;
    private VmCreator creator;

    private Simulation(Options options) {
        this.options = options;
    }

    public static Simulation start(Options options) {
        Simulation simulation = new Simulation(options);
        try {
            simulation.startAll();
            return simulation;
        } catch (RuntimeException e) {
            simulation.close();
            throw e;
        }
    }

    private void startAll() {
        FleetSpec spec = options.fleet();
        List<String> hostIds = new ArrayList<>();
        for (int i = 0; i < spec.hosts(); i++) {
            hostIds.add(spec.hostId(i));
        }
        long t0 = System.nanoTime();
        plane = ControlPlane.start(new ControlPlane.Options(options.repositoryRoot(), options.workDir(), options.kafkaClasspath(), hostIds,
                options.brokerHeap(), options.serviceJvm(), options.serviceArgs()));
        observer = new ClusterObserver(plane.bootstrapServers());
        fleet = SimulatedFleet.start(spec, plane.bootstrapServers(), options.workDir().resolve("hosts"));
        for (String host : hostIds) {
            plane.bmc().onPowerChange(host, (id, state) -> {
                if (state == PowerState.Off && fleet.host(id).power() != SimulatedHost.Power.OFF) {
                    log.info("host={} powered off by its BMC (fenced)", id);
                    fleet.powerOff(id);
                }
            });
        }
        creator = new VmCreator(plane.service("scheduler-service").baseUrl(), options.vmMemoryMib());
        log.info("simulation up in {} s: {} hosts", (System.nanoTime() - t0) / 1_000_000_000, spec.hosts());
        populate(spec.hosts() * options.vmsPerHost());
    }

    /**
     * Creates {@code count} VMs through the REST API and waits until the fleet runs them all. Creates the scheduler
     * refuses (e.g. while hosts look silent on a starved machine) are retried, up to five rounds.
     */
    private void populate(int count) {
        long t0 = System.nanoTime();
        int before = fleet.startCount();
        // The scheduler learns hosts from their inventories: wait until it accepts the first VM.
        awaitFirstCreate();
        List<Integer> pending = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            pending.add(i);
        }
        int accepted = 1;
        for (int round = 0; round < 5 && !pending.isEmpty(); round++) {
            Semaphore inFlight = new Semaphore(32);
            List<CompletableFuture<VmCreator.Created>> all = new ArrayList<>();
            for (int i : pending) {
                inFlight.acquireUninterruptibly();
                all.add(creator.create("vm-%05d".formatted(i), i).whenComplete((c, f) -> inFlight.release()));
            }
            List<Integer> refused = new ArrayList<>();
            for (int k = 0; k < all.size(); k++) {
                VmCreator.Created created = all.get(k).join();
                if (created.accepted()) {
                    accepted++;
                } else {
                    if (refused.size() < 3) {
                        log.warn("create {} refused: HTTP {} {}", created.name(), created.status(), created.problem());
                    }
                    refused.add(pending.get(k));
                }
            }
            pending = refused;
            if (!pending.isEmpty()) {
                log.warn("population round {}: {} creates refused; retrying in 2 s", round + 1, pending.size());
                sleep(2000);
            }
        }
        if (!pending.isEmpty()) {
            throw new IllegalStateException(pending.size() + " of " + count + " VMs could not be created");
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (fleet.startCount() - before < accepted && System.nanoTime() < deadline) {
            sleep(100);
        }
        log.info("population: {} VMs created, {} started on the fleet in {} ms", accepted, fleet.startCount() - before,
                (System.nanoTime() - t0) / 1_000_000);
        if (fleet.startCount() - before < accepted) {
            throw new IllegalStateException("only " + (fleet.startCount() - before) + " of " + accepted + " VMs started");
        }
    }

    private void awaitFirstCreate() {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int hosts = options.fleet().hosts();
        while (System.nanoTime() < deadline) {
            // Once every host is known the first VM lands anywhere; before that the scheduler may lack capacity.
            VmCreator.Created first = creator.create("vm-00000", 0).join();
            if (first.accepted()) {
                return;
            }
            log.info("scheduler not ready for VMs yet ({} hosts booted): HTTP {}", hosts, first.status());
            sleep(500);
        }
        throw new IllegalStateException("the scheduler accepted no VM within 60 s");
    }

    /** Power loss: the host's agent and domains are gone and its BMC reads Off. */
    public void powerLoss(String hostId) {
        fleet.powerOff(hostId);
        plane.bmc().setPowerState(hostId, PowerState.Off);
    }

    public SimulatedFleet fleet() {
        return fleet;
    }

    public ControlPlane plane() {
        return plane;
    }

    public ClusterObserver observer() {
        return observer;
    }

    public VmCreator creator() {
        return creator;
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        if (fleet != null) {
            fleet.close();
        }
        if (observer != null) {
            observer.close();
        }
        if (plane != null) {
            plane.close();
        }
    }
}
