package io.kvmha.e2e.bench;

import io.kvmha.e2e.SeededTestbed;
import io.kvmha.e2e.PowerLoss;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * bench/run testbed-recovery: scenario 1 again and again on the real testbed. Each run powers off the busiest
 * host (its VMs of every tier), waits for the incident to close and every VM to run elsewhere, then powers the host
 * on again and waits until it is ONLINE. Phases come from the failover's incident timeline against the instant
 * the power went; double runs from sampling every host's libvirtd every 50 ms; false failovers are incidents of
 * hosts that were not powered off.
 *
 * <p>Arguments: RUNS RESULT_FILE MACHINE QUICK
 */
public final class TestbedRecoveryBenchmark {

    public static void main(String[] args) throws Exception {
        int runs = Integer.parseInt(args[0]);
        Path result = Path.of(args[1]);
        boolean quick = Boolean.parseBoolean(args[3]);
        List<Double> totals = new ArrayList<>();
        List<Double> detect = new ArrayList<>();
        List<Double> fence = new ArrayList<>();
        List<Double> place = new ArrayList<>();
        List<Double> start = new ArrayList<>();
        int falseFailovers = 0;
        int vmsRecovered = 0;
        String acceleration;
        try (SeededTestbed cluster = new SeededTestbed(12)) {
            acceleration = cluster.testbed.acceleration();
            for (int run = 1; run <= runs; run++) {
                String host = cluster.busiestOnlineHost();
                Map<String, Integer> incidentsBefore = incidentCounts(cluster);
                PowerLoss.Outcome outcome = PowerLoss.run(cluster.testbed, cluster.plane, cluster.sampler, host,
                        cluster.vmsOn(host));
                System.out.printf("run %d/%d: %s%n", run, runs, outcome.describe());
                totals.add(outcome.startedS());
                detect.add(outcome.detectS());
                fence.add(outcome.fenceS());
                place.add(outcome.placeS());
                start.add(outcome.startS());
                vmsRecovered += outcome.vms();
                cluster.testbed.powerOn(host);
                cluster.awaitOnline(host);
                Map<String, Integer> incidentsAfter = incidentCounts(cluster);
                for (String other : cluster.testbed.hostIds()) {
                    if (!other.equals(host)) {
                        falseFailovers += incidentsAfter.getOrDefault(other, 0) - incidentsBefore.getOrDefault(other, 0);
                    }
                }
            }
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("runs", runs);
            metrics.put("p50_s", BenchReport.quantile(totals, 0.50));
            metrics.put("p99_s", BenchReport.quantile(totals, 0.99));
            metrics.put("max_s", BenchReport.quantile(totals, 1.0));
            metrics.put("detect_p50_s", BenchReport.quantile(detect, 0.50));
            metrics.put("fence_p50_s", BenchReport.quantile(fence, 0.50));
            metrics.put("place_p50_s", BenchReport.quantile(place, 0.50));
            metrics.put("start_p50_s", BenchReport.quantile(start, 0.50));
            metrics.put("double_runs", cluster.sampler.doubleRuns().size());
            metrics.put("false_failovers", falseFailovers);
            metrics.put("vms_recovered", vmsRecovered);
            metrics.put("libvirt_samples", cluster.sampler.samples());
            metrics.put("guests", acceleration);
            BenchReport.write(result, "testbed-recovery", quick, args[2], metrics);
        }
    }

    private static Map<String, Integer> incidentCounts(SeededTestbed cluster) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String host : cluster.testbed.hostIds()) {
            counts.put(host, cluster.plane.incidentIds(host).size());
        }
        return counts;
    }
}
