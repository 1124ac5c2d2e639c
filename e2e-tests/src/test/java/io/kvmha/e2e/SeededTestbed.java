package io.kvmha.e2e;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** A started testbed with VMs of every tier, its sampler and control plane: for the benchmarks and dev/run --testbed. */
public final class SeededTestbed implements AutoCloseable {

    public final Testbed testbed = new Testbed(Testbed.repositoryRoot(), 3);
    public final ControlPlane plane = new ControlPlane();
    public final LibvirtSampler sampler;
    public final List<ControlPlane.Vm> vms = new ArrayList<>();

    public SeededTestbed(int vmCount) {
        if (!Testbed.available()) {
            throw new IllegalStateException("the testbed needs root and runs through testbed/controller-jvm/bin/java");
        }
        testbed.up();
        sampler = new LibvirtSampler(testbed, 50);
        await("every host ONLINE").atMost(Duration.ofMinutes(2))
                .until(() -> plane.hostStates().values().stream().filter("ONLINE"::equals).count() == 3);
        List<String> tiers = List.of("GOLD", "SILVER", "BRONZE");
        for (int i = 0; i < vmCount; i++) {
            String name = "bench-" + i;
            String tier = tiers.get(i % 3);
            // A host briefly SUSPECT while the cluster warms up makes the N+1 reserve check refuse (409): ask again.
            ControlPlane.Vm[] created = new ControlPlane.Vm[1];
            await("create " + name).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                    .until(() -> (created[0] = plane.createVm(name, tier, 64, List.of())) != null);
            vms.add(created[0]);
        }
        await("every VM running").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                .until(() -> vms.stream().allMatch(vm -> sampler.hostsRunning(vm.vmId()).size() == 1));
    }

    public List<String> vmsOn(String host) {
        return sampler.latest().entrySet().stream().filter(e -> e.getValue().contains(host)).map(Map.Entry::getKey)
                .sorted().toList();
    }

    /** The ONLINE host running most VMs, once every host is ONLINE (the cluster is steady again). */
    public String busiestOnlineHost() {
        await("every host ONLINE").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> plane.hostStates().values().stream().filter("ONLINE"::equals).count() == testbed.hostIds().size());
        return testbed.hostIds().stream().max(Comparator.comparingInt(h -> vmsOn(h).size())).orElseThrow();
    }

    public void awaitOnline(String host) {
        await(host + " ONLINE").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                .until(() -> "ONLINE".equals(plane.hostStates().get(host)));
    }

    @Override
    public void close() throws Exception {
        sampler.close();
        testbed.down();
    }
}
