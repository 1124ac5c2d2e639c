package io.kvmha.simulation.scenario;

import io.kvmha.contracts.event.RecoveryRecord;
import io.kvmha.simulation.Simulation;
import io.kvmha.simulation.core.Percentiles;
import io.kvmha.simulation.fleet.SimulatedHost;
import io.kvmha.simulation.fleet.VmStart;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code sim-recovery}: {@code runs} times, one host (chosen at random among live hosts running VMs) loses power;
 * measured from the send time of its last acknowledged heartbeat to the moment the last of its VMs runs on another
 * host, and by phase from the incident's recovery record (detected, fenced, plan received). Waits for the incident
 * to close and the cluster to settle between runs. Hosts stay off (each run loses a different host).
 */
public record HostRecovery(int runs, long seed) implements Scenario {

    private static final Duration RESTART_TIMEOUT = Duration.ofSeconds(60);

    @Override
    public String name() {
        return "sim-recovery";
    }

    @Override
    public ScenarioResult run(Simulation simulation) {
        Random random = new Random(seed);
        List<Double> totals = new ArrayList<>();
        Map<String, List<Double>> phases = new LinkedHashMap<>();
        List<Map<String, Object>> perRun = new ArrayList<>();
        int incomplete = 0;
        for (int run = 0; run < runs; run++) {
            List<SimulatedHost> candidates = simulation.fleet().liveHosts().stream()
                    .filter(h -> !h.runningDomains().isEmpty()).toList();
            SimulatedHost host = candidates.get(random.nextInt(candidates.size()));
            Set<String> vms = host.runningDomains().stream().map(d -> d.uuid()).collect(Collectors.toSet());
            int since = simulation.fleet().startCount();
            Instant lastBeat = host.lastHeartbeatAcked();
            simulation.powerLoss(host.hostId());
            Map<String, VmStart> restarted = Restarts.await(simulation.fleet(), vms, Set.of(host.hostId()), since, RESTART_TIMEOUT);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("host", host.hostId());
            row.put("vms", vms.size());
            row.put("restarted", restarted.size());
            if (restarted.size() < vms.size()) {
                incomplete++;
            } else {
                Instant done = restarted.values().stream().map(VmStart::startedAt).max(Instant::compareTo).orElseThrow();
                double total = seconds(lastBeat, done);
                totals.add(total);
                row.put("total_s", Percentiles.round(total, 3));
            }
            Optional<RecoveryRecord> record = awaitClosed(simulation, host.hostId());
            record.ifPresent(r -> {
                row.put("status", r.status().name());
                for (String phase : List.of("detected", "fenced", "plan-received")) {
                    r.timeline().stream().filter(t -> t.phase().equals(phase)).findFirst().ifPresent(t -> {
                        double s = seconds(lastBeat, t.at());
                        phases.computeIfAbsent(phase, k -> new ArrayList<>()).add(s);
                        row.put(phase.replace('-', '_') + "_s", Percentiles.round(s, 3));
                    });
                }
            });
            perRun.add(row);
            Simulation.sleep(1000); // let the cluster settle before the next loss
        }
        Percentiles total = new Percentiles(totals);
        ScenarioResult result = new ScenarioResult()
                .metric("hosts", simulation.fleet().spec().hosts())
                .metric("runs", totals.size())
                .metric("incomplete_runs", incomplete)
                .metric("p50_s", Percentiles.round(total.percentile(50), 3))
                .metric("p99_s", Percentiles.round(total.percentile(99), 3))
                .metric("max_s", Percentiles.round(total.max(), 3));
        phases.forEach((phase, values) -> {
            Percentiles p = new Percentiles(values);
            String key = phase.replace('-', '_');
            result.metric(key + "_p50_s", Percentiles.round(p.percentile(50), 3));
            result.metric(key + "_p99_s", Percentiles.round(p.percentile(99), 3));
        });
        Map<String, List<String>> doubleRuns = simulation.fleet().doubleRuns();
        result.metric("double_runs", doubleRuns.size());
        result.detail("double_runs", doubleRuns);
        result.detail("runs", perRun);
        return result;
    }

    /** The host's incident once it is no longer open (or what there is after 15 s). */
    static Optional<RecoveryRecord> awaitClosed(Simulation simulation, String hostId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        Optional<RecoveryRecord> latest = Optional.empty();
        while (System.nanoTime() < deadline) {
            latest = simulation.observer().recoveriesOf(hostId).stream()
                    .max((a, b) -> a.updatedAt().compareTo(b.updatedAt()));
            if (latest.isPresent() && latest.get().status() != RecoveryRecord.Status.OPEN) {
                return latest;
            }
            Simulation.sleep(50);
        }
        return latest;
    }

    static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e9;
    }
}
