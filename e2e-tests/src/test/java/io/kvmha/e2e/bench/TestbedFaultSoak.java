package io.kvmha.e2e.bench;

import io.kvmha.e2e.FaultSchedule;
import io.kvmha.e2e.FaultScheduleRun;
import io.kvmha.e2e.SeededTestbed;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * bench/run testbed-faults: seeded fault schedules ({@link FaultSchedule}) one after the other on one testbed of 3
 * hosts and 9 VMs of every tier, each checked by {@link FaultScheduleRun}. A failing seed replays with
 * {@code bench/testbed-faults/run --seed N}.
 *
 * <p>Arguments: SCHEDULES|seed=N RESULT_FILE MACHINE QUICK
 */
public final class TestbedFaultSoak {

    public static void main(String[] args) throws Exception {
        List<Long> seeds = new ArrayList<>();
        if (args[0].startsWith("seed=")) {
            seeds.add(Long.parseLong(args[0].substring(5)));
        } else {
            for (long s = 1; s <= Integer.parseInt(args[0]); s++) {
                seeds.add(s);
            }
        }
        Path result = Path.of(args[1]);
        boolean quick = Boolean.parseBoolean(args[3]);
        int violations = 0;
        int failing = 0;
        List<Double> settle = new ArrayList<>();
        List<String> failingSeeds = new ArrayList<>();
        try (SeededTestbed cluster = new SeededTestbed(9)) {
            FaultScheduleRun runner = new FaultScheduleRun(cluster);
            for (long seed : seeds) {
                FaultSchedule schedule = FaultSchedule.generate(seed, cluster.testbed.hostIds());
                System.out.println("schedule " + schedule);
                FaultScheduleRun.Outcome outcome = runner.run(schedule);
                settle.add(outcome.settledAfter().toMillis() / 1000.0);
                violations += outcome.violations().size();
                if (!outcome.violations().isEmpty()) {
                    failing++;
                    failingSeeds.add(String.valueOf(seed));
                }
                System.out.printf("%s %s: %d violations %s, settled %.1f s after the faults%n",
                        outcome.violations().isEmpty() ? "ok  " : "FAIL", schedule, outcome.violations().size(),
                        outcome.violations(), outcome.settledAfter().toMillis() / 1000.0);
            }
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("schedules", seeds.size());
            metrics.put("invariant_violations", violations);
            metrics.put("failing_schedules", failing);
            metrics.put("settle_max_s", settle.stream().mapToDouble(Double::doubleValue).max().orElse(0));
            metrics.put("double_runs", cluster.sampler.doubleRuns().size());
            metrics.put("failing_seeds", String.join(" ", failingSeeds));
            BenchReport.write(result, "testbed-faults", quick, args[2], metrics);
        }
    }

    private TestbedFaultSoak() {
    }
}
