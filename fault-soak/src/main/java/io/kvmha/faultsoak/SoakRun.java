package io.kvmha.faultsoak;

import io.kvmha.contracts.event.HostHealthChange;
import io.kvmha.contracts.event.HostState;
import io.kvmha.contracts.event.KvmHaEvent;
import io.kvmha.contracts.event.RecoveryRecord;
import io.kvmha.contracts.event.VmSpec;
import io.kvmha.contracts.topic.Topic;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Runs one schedule: the cluster comes up and its VMs are created and started, the faults are injected within the
 * window, then everything is healed (hosts powered on, partitions and libvirtd restored, services running, BMCs
 * answering, the bus well-behaved) and the cluster settles for four virtual minutes; then the end-of-run invariants
 * are checked. Invariants 1 and 3 are checked as the run goes.
 */
public final class SoakRun {

    static final Duration CREATE_AT = Duration.ofSeconds(3);
    static final Duration FAULTS_FROM = Duration.ofSeconds(8);
    static final Duration HEAL_AT = FAULTS_FROM.plus(Schedule.WINDOW).plusSeconds(15);
    /** The longest the cluster may take to settle after the heal. */
    static final Duration SETTLE = Duration.ofMinutes(4);
    /**
     * The run ends early once the cluster has been quiet this long: every host judged and ONLINE, no open incident,
     * every command answered and committed.
     */
    static final Duration QUIET = Duration.ofSeconds(5);

    private final Schedule schedule;
    private final World world;
    private final Bus bus;
    private final History history;
    private final Map<String, SimHost> hosts = new LinkedHashMap<>();
    private final Map<String, SimBmc> bmcs = new TreeMap<>();
    private final SimFailover failover;
    private final SimScheduler scheduler;
    private final Map<String, VmSpec> admitted = new LinkedHashMap<>();
    private final java.util.Set<String> incidents = new TreeSet<>();

    /** What one schedule did and which invariants broke. */
    public record Result(long seed, int hosts, int vms, List<Fault> faults, List<Violation> violations, int fences,
                         int incidents, int commands, int alerts, double virtualSeconds, List<String> log) {

        public boolean passed() {
            return violations.isEmpty();
        }

        public String summary() {
            return "seed=" + seed + " hosts=" + hosts + " vms=" + vms + " faults=" + faults + " fences=" + fences
                    + " incidents=" + incidents + " commands=" + commands + " alerts=" + alerts + " violations="
                    + violations.size();
        }
    }

    SoakRun(Schedule schedule, boolean keepLog) {
        this.schedule = schedule;
        this.world = new World(schedule.seed(), keepLog);
        this.bus = new Bus(world);
        this.history = new History(world);
        bus.tap(history::record);
        bus.tap(this::watch);
        for (String id : schedule.hosts()) {
            SimHost host = new SimHost(id, world, bus, history);
            hosts.put(id, host);
            bmcs.put(id, new SimBmc(host, world, history));
        }
        this.failover = new SimFailover(world, bus, bmcs);
        this.scheduler = new SimScheduler(world, bus);
    }

    /** A host's BMC, for tests that plant a fault no schedule generates. */
    SimBmc bmc(String hostId) {
        return bmcs.get(hostId);
    }

    public static Result run(long seed, boolean keepLog) {
        return new SoakRun(Schedule.generate(seed), keepLog).run();
    }

    private void watch(KvmHaEvent event) {
        if (event instanceof HostHealthChange change && change.current() == HostState.FENCED) {
            history.fenced(change.hostId(), "declared FENCED by the failover service: " + String.join("; ", change.evidence()));
        }
        if (event instanceof RecoveryRecord record) {
            incidents.add(record.incidentId());
        }
        if (world.keepsLog() && event instanceof RecoveryRecord record && record.status() != RecoveryRecord.Status.OPEN) {
            world.log("incident=" + record.incidentId() + " host=" + record.hostId() + " closed " + record.status()
                    + ": " + record.vms().stream().map(v -> v.vmId() + "=" + v.status()).toList());
        }
    }

    Result run() {
        world.log("schedule seed=" + schedule.seed() + " hosts=" + schedule.hosts() + " vms=" + schedule.vms().size()
                + " faults=" + schedule.faults());
        for (SimHost host : hosts.values()) {
            world.after(Duration.ofMillis(world.random().nextInt(300)), host::startAgent);
        }
        scheduler.start();
        failover.start();
        world.after(CREATE_AT, this::createVms);
        Instant faultsFrom = World.START.plus(FAULTS_FROM);
        for (Fault fault : schedule.faults()) {
            world.at(faultsFrom.plus(fault.at()), () -> begin(fault));
            if (fault.length() != null) {
                world.at(faultsFrom.plus(fault.at()).plus(fault.length()), () -> end(fault));
            }
        }
        Instant healAt = World.START.plus(HEAL_AT);
        world.at(healAt, this::healAll);
        world.at(healAt.plus(QUIET), () -> settleCheck(0));
        world.runUntil(healAt.plus(SETTLE));
        world.log("run ends; settled " + Duration.between(healAt, world.now()).toSeconds() + " s after the heal");
        history.finish(admitted);
        return new Result(schedule.seed(), hosts.size(), admitted.size(), schedule.faults(), history.violations(),
                history.fences(), incidents.size(), history.commandsIssued(), history.alerts().size(),
                Duration.between(World.START, world.now()).toMillis() / 1000.0, world.logLines());
    }

    /** Stops the run once the cluster has been quiet for {@link #QUIET}: nothing can change any more. */
    private void settleCheck(int quietSeconds) {
        int quiet = quiet() ? quietSeconds + 1 : 0;
        if (quiet >= QUIET.toSeconds()) {
            world.stop();
            return;
        }
        world.after(Duration.ofSeconds(1), () -> settleCheck(quiet));
    }

    private boolean quiet() {
        if (!failover.running() || !scheduler.running() || !bus.brokerUp() || history.unanswered() > 0) {
            return false;
        }
        for (SimHost host : hosts.values()) {
            if (!host.powered() || !host.agentRunning() || !host.pendingCommands().isEmpty()) {
                return false;
            }
        }
        return failover.quiet(hosts.size());
    }

    private void createVms() {
        for (VmSpec spec : schedule.vms()) {
            if (scheduler.create(spec)) {
                admitted.put(spec.vmId(), spec);
            }
        }
        world.log("created " + admitted.size() + " of " + schedule.vms().size() + " VMs");
    }

    private void begin(Fault fault) {
        world.log("FAULT begins: " + fault);
        switch (fault.kind()) {
            case POWER_LOSS -> host(fault).powerOff("power loss");
            case PARTITION -> fault.hosts().forEach(h -> hosts.get(h).partition(true));
            case SLOW_HOST -> stall(host(fault), world.now().plus(fault.length()));
            case LIBVIRTD_CRASH -> host(fault).libvirtd(false);
            case AGENT_CRASH -> host(fault).crashAgent(Impairment.AGENT_DOWN);
            case BROKER_RESTART -> bus.brokerDown(fault.length());
            case FAILOVER_CRASH -> failover.crash();
            case SCHEDULER_CRASH -> scheduler.crash();
            case SCHEDULER_CRASH_MID_PLAN -> scheduler.crashMidPlan(fault.length());
            case BMC_TIMEOUT -> bmcs.get(fault.hosts().get(0)).mode(SimBmc.Mode.TIMEOUT);
            case BMC_FAILURE -> bmcs.get(fault.hosts().get(0)).mode(SimBmc.Mode.FAIL);
            case BMC_SLOW -> bmcs.get(fault.hosts().get(0)).mode(SimBmc.Mode.SLOW);
            case DUPLICATES -> bus.duplicates(fault.amount());
            case REORDERING -> bus.jitter(Duration.ofMillis((long) fault.amount()));
            case DELAYED_RECORDS -> bus.extraDelay(fault.topic(), Duration.ofMillis((long) fault.amount()));
        }
    }

    private void end(Fault fault) {
        world.log("FAULT ends: " + fault);
        switch (fault.kind()) {
            case POWER_LOSS -> host(fault).powerOn(world.between(Duration.ofSeconds(2), Duration.ofSeconds(4)));
            case PARTITION -> fault.hosts().forEach(h -> hosts.get(h).partition(false));
            case SLOW_HOST -> { } // impaired until its last stall ends (see stall)
            case LIBVIRTD_CRASH -> host(fault).libvirtd(true);
            case AGENT_CRASH -> host(fault).startAgent();
            case BROKER_RESTART -> { } // the broker comes back by itself
            case FAILOVER_CRASH -> {
                if (!failover.running()) {
                    failover.start();
                }
            }
            case SCHEDULER_CRASH -> {
                if (!scheduler.running()) {
                    scheduler.start();
                }
            }
            case SCHEDULER_CRASH_MID_PLAN -> { } // armed until it fires; it restarts by itself

            case BMC_TIMEOUT, BMC_FAILURE, BMC_SLOW -> bmcs.get(fault.hosts().get(0)).mode(SimBmc.Mode.OK);
            case DUPLICATES -> bus.duplicates(0);
            case REORDERING -> bus.jitter(Duration.ZERO);
            case DELAYED_RECORDS -> bus.extraDelay(fault.topic(), Duration.ZERO);
        }
    }

    private SimHost host(Fault fault) {
        return hosts.get(fault.hosts().get(0));
    }

    /** A slow host: stalls of 1-4 s (long GC pauses) with 0.3-2 s of normal running between them. */
    private void stall(SimHost host, Instant until) {
        Instant at = world.now();
        while (at.isBefore(until)) {
            Instant from = at;
            Instant to = from.plus(world.between(Duration.ofSeconds(1), Duration.ofSeconds(4)));
            world.at(from, () -> {
                history.impaired(host.id(), Impairment.SLOW);
                world.log("host=" + host.id() + " agent stalls until " + World.START.until(to, java.time.temporal.ChronoUnit.MILLIS) / 1000.0 + " s");
                host.stall(to);
            });
            at = to.plus(world.between(Duration.ofMillis(300), Duration.ofSeconds(2)));
            world.at(to, () -> history.restored(host.id(), Impairment.SLOW));
        }
    }

    private void healAll() {
        world.log("HEAL: every fault ends");
        for (Fault fault : schedule.faults()) {
            if (fault.kind() == Fault.Kind.SLOW_HOST) {
                host(fault).stall(Instant.MIN);
            }
        }
        for (SimHost host : hosts.values()) {
            host.partition(false);
            host.libvirtd(true);
            if (host.powered() && !host.agentRunning()) {
                host.startAgent();
            }
            host.powerOn(world.between(Duration.ofSeconds(2), Duration.ofSeconds(4)));
            history.restored(host.id(), Impairment.SLOW);
        }
        bmcs.values().forEach(b -> b.mode(SimBmc.Mode.OK));
        scheduler.crashMidPlan(null);
        bus.duplicates(0);
        bus.jitter(Duration.ZERO);
        for (Topic topic : Topic.values()) {
            bus.extraDelay(topic, Duration.ZERO);
        }
        if (!failover.running()) {
            failover.start();
        }
        if (!scheduler.running()) {
            scheduler.start();
        }
    }
}
