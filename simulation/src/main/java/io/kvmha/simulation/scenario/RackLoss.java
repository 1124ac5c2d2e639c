package io.kvmha.simulation.scenario;

import io.kvmha.contracts.event.Tier;
import io.kvmha.simulation.Simulation;
import io.kvmha.simulation.core.Percentiles;
import io.kvmha.simulation.core.TierOrder;
import io.kvmha.simulation.fleet.SimulatedHost;
import io.kvmha.simulation.fleet.VmStart;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code sim-rack}: every live host of one rack (the one with the most live hosts) loses power at once. Measures
 * {@code total_s}, from the earliest last heartbeat of the rack's hosts to the last of their VMs running elsewhere,
 * and {@code tier_order_violations}: VMs running after the first VM of a worse tier ran ({@link TierOrder}), the
 * issue's strict reading of "every gold VM started before any silver one". Also by the commands' issue times
 * ({@code tier_order_violations_issued}: the order the failover service issued starts in, rack-wide) and within
 * each failed host's VMs ({@code tier_order_violations_issued_per_host}).
 */
public record RackLoss(Duration timeout) implements Scenario {

    @Override
    public String name() {
        return "sim-rack";
    }

    @Override
    public ScenarioResult run(Simulation simulation) {
        Map<String, List<SimulatedHost>> racks = simulation.fleet().hosts().stream()
                .collect(Collectors.groupingBy(h -> h.labels().get("rack")));
        // The rack with the most live hosts (the last such one: earlier scenarios picked hosts at random); all of
        // its live hosts lose power.
        List<SimulatedHost> rack = racks.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getValue().stream().filter(h -> h.power() == SimulatedHost.Power.ON).toList())
                .reduce((a, b) -> b.size() >= a.size() ? b : a)
                .filter(hosts -> !hosts.isEmpty())
                .orElseThrow(() -> new IllegalStateException("no rack with a live host"));
        Set<String> lost = rack.stream().map(SimulatedHost::hostId).collect(Collectors.toSet());
        Map<String, Tier> tiers = new HashMap<>();
        Map<String, String> failedHostOf = new HashMap<>();
        Set<String> vms = new HashSet<>();
        for (SimulatedHost host : rack) {
            host.runningDomains().forEach(d -> {
                vms.add(d.uuid());
                failedHostOf.put(d.uuid(), host.hostId());
            });
        }
        // The tier each VM was created with (the fleet saw it in the spec of the command that started it).
        simulation.fleet().starts().stream().filter(s -> vms.contains(s.vmId()) && s.tier() != null)
                .forEach(s -> tiers.put(s.vmId(), s.tier()));
        Instant firstLastBeat = rack.stream().map(SimulatedHost::lastHeartbeatAcked).min(Instant::compareTo).orElseThrow();
        int since = simulation.fleet().startCount();
        rack.parallelStream().forEach(h -> simulation.powerLoss(h.hostId()));
        Map<String, VmStart> restarted = Restarts.await(simulation.fleet(), vms, lost, since, timeout);
        Instant done = restarted.values().stream().map(VmStart::startedAt).max(Instant::compareTo).orElse(firstLastBeat);
        List<TierOrder.Start> starts = new ArrayList<>();
        List<TierOrder.Start> issued = new ArrayList<>();
        Map<String, List<TierOrder.Start>> issuedPerHost = new HashMap<>();
        restarted.values().forEach(s -> {
            Tier tier = tiers.getOrDefault(s.vmId(), s.tier());
            starts.add(new TierOrder.Start(s.vmId(), tier, s.startedAt()));
            TierOrder.Start issue = new TierOrder.Start(s.vmId(), tier, s.issuedAt());
            issued.add(issue);
            issuedPerHost.computeIfAbsent(failedHostOf.get(s.vmId()), k -> new ArrayList<>()).add(issue);
        });
        int issuedPerHostViolations = issuedPerHost.values().stream().mapToInt(TierOrder::violations).sum();
        List<Map<String, Object>> timeline = restarted.values().stream()
                .sorted((a, b) -> a.startedAt().compareTo(b.startedAt()))
                .map(s -> Map.<String, Object>of("tier", String.valueOf(s.tier()),
                        "started_s", Percentiles.round(HostRecovery.seconds(firstLastBeat, s.startedAt()), 3)))
                .toList();
        return new ScenarioResult()
                .metric("hosts", simulation.fleet().spec().hosts())
                .metric("hosts_lost", lost.size())
                .metric("vms", vms.size())
                .metric("vms_restarted", restarted.size())
                .metric("total_s", Percentiles.round(HostRecovery.seconds(firstLastBeat, done), 3))
                .metric("tier_order_violations", TierOrder.violations(starts))
                .metric("tier_order_violations_issued", TierOrder.violations(issued))
                .metric("tier_order_violations_issued_per_host", issuedPerHostViolations)
                .metric("double_runs", simulation.fleet().doubleRuns().size())
                .detail("double_runs", simulation.fleet().doubleRuns())
                .detail("rack", rack.get(0).labels().get("rack"))
                .detail("rack_hosts_live_before", rack.size())
                .detail("starts", timeline);
    }
}
