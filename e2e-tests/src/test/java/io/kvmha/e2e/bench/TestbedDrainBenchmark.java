package io.kvmha.e2e.bench;

import io.kvmha.e2e.SeededTestbed;
import io.kvmha.e2e.Drain;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * bench/run testbed-drain: a host carrying 6 VMs drained with one call to the scheduler; every VM live-migrates.
 * Total time from the call to the drain's last settled move; each VM's downtime as the destination's libvirt
 * recorded it for the completed migration job.
 *
 * <p>Arguments: VMS_ON_HOST RESULT_FILE MACHINE QUICK
 */
public final class TestbedDrainBenchmark {

    public static void main(String[] args) throws Exception {
        int perHost = Integer.parseInt(args[0]);
        Path result = Path.of(args[1]);
        boolean quick = Boolean.parseBoolean(args[3]);
        // Three hosts filled evenly: the drained host carries perHost VMs.
        try (SeededTestbed cluster = new SeededTestbed(perHost * 3)) {
            String host = cluster.busiestOnlineHost();
            Drain.Outcome outcome = Drain.run(cluster.testbed, cluster.plane, cluster.sampler, host);
            System.out.println("drain: " + outcome.describe());
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("vms", outcome.moves().size());
            metrics.put("total_s", outcome.totalS());
            metrics.put("max_downtime_ms", outcome.maxDowntimeMs());
            metrics.put("migrated", outcome.moves().stream().filter(m -> m.status().equals("MIGRATED")).count());
            metrics.put("counters_continued", outcome.moves().stream().filter(Drain.Move::counterContinued).count());
            metrics.put("double_runs", cluster.sampler.doubleRuns().size());
            metrics.put("guests", cluster.testbed.acceleration());
            BenchReport.write(result, "testbed-drain", quick, args[2], metrics);
        }
    }
}
