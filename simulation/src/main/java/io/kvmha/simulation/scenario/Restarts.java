package io.kvmha.simulation.scenario;

import io.kvmha.simulation.Simulation;
import io.kvmha.simulation.fleet.SimulatedFleet;
import io.kvmha.simulation.fleet.VmStart;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Waits for a set of VMs to be started again on other hosts, from the fleet's own start log. */
final class Restarts {

    private Restarts() {
    }

    /**
     * The first start of each of {@code vmIds} on a host other than {@code lostHosts}, among the fleet's starts after
     * index {@code since}; waits until all are there or {@code timeout} passed (then returns what there is).
     */
    static Map<String, VmStart> await(SimulatedFleet fleet, Set<String> vmIds, Set<String> lostHosts, int since,
                                      Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, VmStart> found = new HashMap<>();
        int scanned = since;
        while (true) {
            List<VmStart> starts = fleet.starts();
            for (int i = scanned; i < starts.size(); i++) {
                VmStart start = starts.get(i);
                if (vmIds.contains(start.vmId()) && !lostHosts.contains(start.hostId())) {
                    found.putIfAbsent(start.vmId(), start);
                }
            }
            scanned = starts.size();
            if (found.size() == vmIds.size() || System.nanoTime() > deadline) {
                return found;
            }
            Simulation.sleep(20);
        }
    }
}
