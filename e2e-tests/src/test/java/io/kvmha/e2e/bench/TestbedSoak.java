package io.kvmha.e2e.bench;

import io.kvmha.e2e.SeededTestbed;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * bench/run testbed-soak: the testbed with VMs of every tier, every CPU of the machine kept busy by spinning
 * processes (bounded by `timeout`, so they stop by themselves), for a fixed time. Nothing fails, so nothing may be
 * failed over: every incident is a false failover; host states other than ONLINE are counted as false suspicions.
 *
 * <p>Arguments: SECONDS RESULT_FILE MACHINE QUICK
 */
public final class TestbedSoak {

    public static void main(String[] args) throws Exception {
        int seconds = Integer.parseInt(args[0]);
        Path result = Path.of(args[1]);
        boolean quick = Boolean.parseBoolean(args[3]);
        try (SeededTestbed cluster = new SeededTestbed(9)) {
            int before = cluster.plane.incidents().size();
            int cpus = Runtime.getRuntime().availableProcessors();
            List<Process> stress = new ArrayList<>();
            for (int i = 0; i < cpus; i++) {
                // A busy loop per CPU that ends by itself after the soak, whatever happens to this JVM.
                stress.add(new ProcessBuilder("timeout", String.valueOf(seconds + 5), "sh", "-c", "while :; do :; done")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
            }
            int suspicions = 0;
            Map<String, String> lastStates = cluster.plane.hostStates();
            Instant end = Instant.now().plusSeconds(seconds);
            try {
                while (Instant.now().isBefore(end)) {
                    Map<String, String> states = cluster.plane.hostStates();
                    for (Map.Entry<String, String> e : states.entrySet()) {
                        if (!"ONLINE".equals(e.getValue()) && "ONLINE".equals(lastStates.get(e.getKey()))) {
                            suspicions++;
                            System.out.printf("%s: %s left ONLINE -> %s%n", Instant.now(), e.getKey(), e.getValue());
                        }
                    }
                    lastStates = states;
                    Thread.sleep(500);
                }
            } finally {
                for (Process p : stress) {
                    p.destroy();
                    p.waitFor(5, TimeUnit.SECONDS);
                }
            }
            int falseFailovers = cluster.plane.incidents().size() - before;
            System.out.printf("soak %d s with %d CPUs busy: %d false failovers, %d suspicions, %d double runs%n", seconds,
                    cpus, falseFailovers, suspicions, cluster.sampler.doubleRuns().size());
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("duration_s", seconds);
            metrics.put("stressed_cpus", cpus);
            metrics.put("vms", cluster.vms.size());
            metrics.put("false_failovers", falseFailovers);
            metrics.put("suspicions", suspicions);
            metrics.put("double_runs", cluster.sampler.doubleRuns().size());
            BenchReport.write(result, "testbed-soak", quick, args[2], metrics);
        }
    }

    private TestbedSoak() {
    }
}
