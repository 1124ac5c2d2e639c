package io.kvmha.simulation.scenario;

import io.kvmha.contracts.event.HostHealthChange;
import io.kvmha.contracts.event.HostState;
import io.kvmha.simulation.Simulation;
import io.kvmha.simulation.core.Percentiles;
import io.kvmha.simulation.plane.ConsumerLagProbe;
import io.kvmha.simulation.plane.ResourceSampler;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code sim-steady}: the fleet heartbeats and sends metrics for {@code duration}; nothing fails. Measures the CPU
 * (percent of one core, averaged over the window) and peak RSS of every service, of the broker and of the simulator
 * itself, and the consumer lag of every consumer group, in seconds, sampled every 200 ms. Nothing fails, so every
 * host declared DOWN is a false failover and every host turned SUSPECT a false suspicion.
 */
public record SteadyState(Duration duration) implements Scenario {

    @Override
    public String name() {
        return "sim-steady";
    }

    @Override
    public ScenarioResult run(Simulation simulation) {
        Map<String, Long> pids = new LinkedHashMap<>(simulation.plane().pids());
        pids.put("simulator", ProcessHandle.current().pid());
        ResourceSampler resources = new ResourceSampler(pids);
        long beatsBefore = simulation.fleet().heartbeatsAcked();
        Instant from = Instant.now();
        try (ConsumerLagProbe lag = new ConsumerLagProbe(simulation.plane().bootstrapServers())) {
            lag.sample(); // first samples: history starts here
            resources.begin();
            long end = System.nanoTime() + duration.toNanos();
            long nextResources = System.nanoTime();
            while (System.nanoTime() < end) {
                lag.sample();
                if (System.nanoTime() >= nextResources) {
                    resources.sample();
                    nextResources += 1_000_000_000L;
                }
                Simulation.sleep(200);
            }
            Map<String, ResourceSampler.Usage> usage = resources.end();
            long beats = simulation.fleet().heartbeatsAcked() - beatsBefore;
            Map<String, Double> lags = new TreeMap<>(lag.maxLagSeconds());
            double maxLag = lags.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
            ScenarioResult result = new ScenarioResult()
                    .metric("hosts", simulation.fleet().spec().hosts())
                    .metric("vms", simulation.fleet().runningVmCount())
                    .metric("duration_s", duration.toSeconds())
                    .metric("heartbeats_per_s", Percentiles.round(beats / (double) duration.toSeconds(), 1))
                    .metric("max_consumer_lag_s", Percentiles.round(maxLag, 2));
            usage.forEach((name, u) -> {
                String key = name.replace('-', '_');
                result.metric(key + "_cpu_pct_of_core", Percentiles.round(u.cpuPctOfCore(), 1));
                result.metric(key + "_rss_max_mb", Percentiles.round(u.rssMaxMib(), 1));
            });
            List<HostHealthChange> changes = simulation.observer().healthChanges().stream()
                    .filter(c -> !c.changedAt().isBefore(from)).toList();
            result.metric("false_failovers", changes.stream().filter(c -> c.current() == HostState.DOWN)
                    .map(HostHealthChange::hostId).distinct().count());
            result.metric("suspicions", changes.stream().filter(c -> c.current() == HostState.SUSPECT).count());
            result.detail("max_consumer_lag_s_by_group", lags);
            return result;
        }
    }
}
