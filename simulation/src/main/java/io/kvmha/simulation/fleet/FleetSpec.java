package io.kvmha.simulation.fleet;

import io.kvmha.agent.core.SimulatedTopology;
import java.time.Duration;

/**
 * What the simulated fleet looks like and how often its agents talk.
 *
 * @param hosts             number of hosts, named {@code h0001}...
 * @param hostsPerRack      hosts per rack (label {@code rack=r01}...); a rack loss takes all of them
 * @param topology          every host's NUMA topology (cells, CPUs per cell, memory per cell)
 * @param heartbeatInterval a real agent's default: 500 ms (2 Hz)
 * @param metricsInterval   a real agent's default: 5 s
 * @param domainRefresh     how often a host re-lists its domains besides after every lifecycle change (agent: 2 s)
 */
public record FleetSpec(int hosts, int hostsPerRack, SimulatedTopology topology, Duration heartbeatInterval,
                        Duration metricsInterval, Duration domainRefresh) {

    public FleetSpec {
        if (hosts < 1 || hostsPerRack < 1) {
            throw new IllegalArgumentException("a fleet needs hosts and racks, got " + hosts + " hosts, " + hostsPerRack + " per rack");
        }
    }

    /** A fleet with the agents' default intervals and 2 cells x 8 CPUs x 16 GiB per host. */
    public static FleetSpec of(int hosts, int hostsPerRack) {
        return new FleetSpec(hosts, hostsPerRack, new SimulatedTopology(2, 8, 16L << 30), Duration.ofMillis(500),
                Duration.ofSeconds(5), Duration.ofSeconds(2));
    }

    public String hostId(int index) {
        return "h%04d".formatted(index + 1);
    }

    public String rackOf(int index) {
        return "r%02d".formatted(index / hostsPerRack + 1);
    }
}
