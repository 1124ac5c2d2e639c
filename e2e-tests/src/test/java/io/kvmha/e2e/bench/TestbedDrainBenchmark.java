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
        // The drained host carries perHost VMs of one affinity group (so the N+1 reserve, 8 vCPUs per 2-core testbed
        // host, still admits them); two more VMs run elsewhere. The group moves together.
        try (SeededTestbed cluster = new SeededTestbed(2)) {
            java.util.List<String> tiers = java.util.List.of("GOLD", "SILVER", "BRONZE");
            java.util.List<io.kvmha.e2e.ControlPlane.Vm> group = new java.util.ArrayList<>();
            for (int i = 0; i < perHost; i++) {
                group.add(cluster.plane.createVm("drain-" + i, tiers.get(i % 3), 64, java.util.List.of("drained")));
            }
            org.awaitility.Awaitility.await("the group running").atMost(java.time.Duration.ofMinutes(2))
                    .until(() -> group.stream().allMatch(vm -> cluster.sampler.hostsRunning(vm.vmId()).size() == 1));
            String host = group.get(0).hostId();
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
