package io.kvmha.e2e;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * {@code dev/run --testbed}: the local cluster on the real testbed instead of simulated hosts. Starts the testbed
 * (three libvirtd hosts with QEMU guests, every service in its own process), seeds VMs of every tier, prints where
 * to look and, with {@code --demo-failure}, powers off the busiest host and prints its recovery. Runs until
 * {@code --duration} seconds have passed or Ctrl-C; the testbed is torn down either way.
 */
public final class TestbedDemo {

    public static void main(String[] args) throws Exception {
        int vms = 6;
        boolean demoFailure = false;
        long duration = Long.MAX_VALUE;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--vms" -> vms = Integer.parseInt(args[++i]);
                case "--demo-failure" -> demoFailure = true;
                case "--duration" -> duration = Long.parseLong(args[++i]);
                case "--testbed" -> { }
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (dev/run --testbed takes --vms N, --demo-failure, --duration SECONDS)");
            }
        }
        try (SeededTestbed cluster = new SeededTestbed(vms)) {
            System.out.printf("kvm-ha on the testbed: 3 libvirtd hosts, guests with %s, %d VMs of every tier running%n",
                    cluster.testbed.acceleration().toUpperCase(), vms);
            System.out.println("  scheduler    " + Testbed.SCHEDULER + "/api/v1/vms");
            System.out.println("  failover     " + Testbed.FAILOVER + "/api/v1/incidents");
            System.out.println("  metrics      " + Testbed.PROMETHEUS + "   alerts " + Testbed.ALERTMANAGER);
            System.out.println("  these addresses live in the controller namespace: testbed/testbed ctl curl ...,"
                    + " testbed/testbed ctl bin/kvmha status");
            if (demoFailure) {
                String host = cluster.busiestOnlineHost();
                List<String> itsVms = cluster.vmsOn(host);
                System.out.printf("powering off %s with %d VMs...%n", host, itsVms.size());
                PowerLoss.Outcome outcome = PowerLoss.run(cluster.testbed, cluster.plane, cluster.sampler, host, itsVms);
                System.out.println(outcome.describe());
                System.out.printf("never on two hosts: %d double runs in %d samples of every libvirtd%n",
                        cluster.sampler.doubleRuns().size(), cluster.sampler.samples());
            }
            Instant end = duration == Long.MAX_VALUE ? Instant.MAX : Instant.now().plusSeconds(duration);
            while (Instant.now().isBefore(end)) {
                Thread.sleep(Duration.ofMillis(500).toMillis());
            }
        }
    }

    private TestbedDemo() {
    }
}
