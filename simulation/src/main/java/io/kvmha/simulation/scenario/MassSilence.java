package io.kvmha.simulation.scenario;

import io.kvmha.contracts.event.Alert;
import io.kvmha.contracts.event.HostHealthChange;
import io.kvmha.contracts.event.HostState;
import io.kvmha.simulation.Simulation;
import io.kvmha.simulation.fleet.SimulatedHost;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code sim-mass}: {@code share} of the live hosts are partitioned at once (silent, deaf, their VMs still running)
 * for {@code silence} — shorter than the agents' 10 s self-fence timeout, as a network blip would be. The failover
 * service's mass-failure guard must engage ({@code KvmHaMassFailureGuard} FIRING) and nothing may be fenced: no BMC
 * reset of a silent host, no FENCED health change, no VM restarted by an incident ({@code vms_started_elsewhere}: starts
 * carrying an incident id). Then the partition heals, all hosts at
 * once, and fencing is counted again for 5 s: {@code hosts_fenced} covers the whole scenario, silence and heal;
 * {@code hosts_fenced_while_silent} counts BMC resets before the heal only.
 */
public record MassSilence(double share, Duration silence) implements Scenario {

    static final String GUARD_ALERT = "KvmHaMassFailureGuard";

    @Override
    public String name() {
        return "sim-mass";
    }

    @Override
    public ScenarioResult run(Simulation simulation) {
        List<SimulatedHost> live = simulation.fleet().liveHosts();
        int count = (int) Math.ceil(live.size() * share);
        List<SimulatedHost> silent = live.subList(0, count);
        Set<String> ids = silent.stream().map(SimulatedHost::hostId).collect(Collectors.toSet());
        int resetsBefore = ids.stream().mapToInt(id -> simulation.plane().bmc().resetCount(id)).sum();
        int startsBefore = simulation.fleet().startCount();
        Instant from = Instant.now();
        silent.parallelStream().forEach(h -> simulation.fleet().partition(h.hostId()));
        Simulation.sleep(silence.toMillis());
        int resetsWhileSilent = ids.stream().mapToInt(id -> simulation.plane().bmc().resetCount(id)).sum() - resetsBefore;
        boolean engaged = simulation.observer().alerts().stream()
                .anyMatch(a -> a.name().equals(GUARD_ALERT) && a.status() == Alert.Status.FIRING && !a.startsAt().isBefore(from.minusSeconds(1)));
        silent.parallelStream().forEach(h -> simulation.fleet().heal(h.hostId()));
        // Give a late fencing decision the chance to show before counting.
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        boolean resolved = false;
        while (System.nanoTime() < deadline && !resolved) {
            resolved = simulation.observer().alerts().stream()
                    .anyMatch(a -> a.name().equals(GUARD_ALERT) && a.status() == Alert.Status.RESOLVED && !a.startsAt().isBefore(from.minusSeconds(1)));
            Simulation.sleep(100);
        }
        int resets = ids.stream().mapToInt(id -> simulation.plane().bmc().resetCount(id)).sum() - resetsBefore;
        List<HostHealthChange> changes = simulation.observer().healthChanges().stream()
                .filter(h -> ids.contains(h.hostId()) && !h.changedAt().isBefore(from)).toList();
        long fencedChanges = changes.stream().map(HostHealthChange::hostId).distinct()
                .filter(id -> changes.stream().anyMatch(c -> c.hostId().equals(id) && c.current() == HostState.FENCED)).count();
        long held = changes.stream().filter(c -> c.current() == HostState.SUSPECT).map(HostHealthChange::hostId).distinct().count();
        long poweredOff = silent.stream().filter(h -> h.power() == SimulatedHost.Power.OFF).count();
        long hostsFenced = Math.max(Math.max(fencedChanges, poweredOff), resets > 0 ? 1 : 0);
        return new ScenarioResult()
                .metric("hosts", simulation.fleet().spec().hosts())
                .metric("silent_hosts", count)
                .metric("silence_s", silence.toSeconds())
                .metric("guard_engaged", engaged)
                .metric("hosts_fenced", hostsFenced)
                .metric("bmc_resets", resets)
                .metric("hosts_fenced_while_silent", resetsWhileSilent)
                .metric("hosts_held_suspect", held)
                .metric("vms_started_elsewhere", simulation.fleet().starts().stream().skip(startsBefore)
                        .filter(start -> start.incidentId() != null).count())
                .metric("guard_resolved_after_heal", resolved)
                .metric("double_runs", simulation.fleet().doubleRuns().size())
                .detail("double_runs", simulation.fleet().doubleRuns());
    }
}
