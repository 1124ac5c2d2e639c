package io.kvmha.agent.simulation;

import io.kvmha.agent.core.SimulatedTopology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a libvirt test-driver host file ({@code <node>} with {@code <cpu>} and {@code <memory>},
 * the format of libvirt's {@code examples/xml/test/testnode.xml}) for one simulated host. A
 * connection to {@code test:///<file>} gets private state: its own domains, gone when it closes.
 * The file carries no domains; the agent defines them.
 */
public final class TestDriverHostFile {

    private TestDriverHostFile() {
    }

    /** Writes the file into {@code directory} and returns the connection URI. */
    public static String write(Path directory, String hostId, SimulatedTopology topology) {
        try {
            Files.createDirectories(directory);
            Path file = directory.resolve(safeName(hostId) + "-host.xml").toAbsolutePath();
            Files.writeString(file, xml(topology), StandardCharsets.UTF_8);
            return "test://" + file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the simulated host file for host " + hostId + " into " + directory, e);
        }
    }

    static String xml(SimulatedTopology topology) {
        return """
                <?xml version="1.0"?>
                <!-- kvm-ha simulated host for libvirt's test driver -->
                <node>
                  <cpu>
                    <mhz>2400</mhz>
                    <model>kvmha-simulated</model>
                    <nodes>%d</nodes>
                    <sockets>1</sockets>
                    <cores>%d</cores>
                    <threads>1</threads>
                    <active>%d</active>
                  </cpu>
                  <memory>%d</memory>
                </node>
                """.formatted(topology.numaCells(), topology.cpusPerCell(), topology.cpus(),
                topology.memoryBytes() / 1024);
    }

    static String safeName(String hostId) {
        return hostId.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
