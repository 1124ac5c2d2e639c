package io.kvmha.agent;

import io.kvmha.agent.core.SimulatedTopology;
import io.kvmha.agent.simulation.TestDriverHostFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Which libvirt the agent talks to: the configured URI, or, when simulating, a test-driver host
 * file written for this agent (in a temporary directory that is removed on shutdown).
 */
public record HypervisorTarget(String uri, Optional<SimulatedTopology> simulated, Optional<Path> ownedDirectory)
        implements AutoCloseable {

    static HypervisorTarget from(AgentProperties properties) {
        AgentProperties.Simulation simulation = properties.simulation();
        if (!simulation.enabled()) {
            return new HypervisorTarget(properties.libvirtUri(), Optional.empty(), Optional.empty());
        }
        SimulatedTopology topology = new SimulatedTopology(simulation.numaCells(), simulation.cpusPerCell(),
                simulation.memoryPerCell().toBytes());
        Path dir = simulation.dir();
        Optional<Path> owned = Optional.empty();
        if (dir == null) {
            try {
                dir = Files.createTempDirectory("kvmha-sim-" + properties.hostId().replaceAll("[^A-Za-z0-9._-]", "_") + "-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a directory for the simulated host file", e);
            }
            owned = Optional.of(dir);
        }
        String uri = TestDriverHostFile.write(dir, properties.hostId(), topology);
        return new HypervisorTarget(uri, Optional.of(topology), owned);
    }

    @Override
    public void close() {
        ownedDirectory.ifPresent(dir -> {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a leftover temporary file is harmless
            }
        });
    }
}
