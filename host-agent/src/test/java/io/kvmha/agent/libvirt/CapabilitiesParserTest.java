package io.kvmha.agent.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvmha.contracts.event.HostInventory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CapabilitiesParserTest {

    static String resource(String name) throws IOException {
        try (InputStream in = CapabilitiesParserTest.class.getResourceAsStream("/capabilities/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void readsCellsCpusSiblingsAndHugepagesOfARealHost() throws IOException {
        CapabilitiesParser.HostCapabilities caps = CapabilitiesParser.parse(resource("two-socket-ht.xml"));

        assertThat(caps.hostUuid()).isEqualTo("4c4c4544-0043-3010-8052-b4c04f4e4332");
        assertThat(caps.cpuModel()).isEqualTo("Skylake-Server-IBRS");
        assertThat(caps.cells()).hasSize(2);
        HostInventory.NumaCell cell0 = caps.cells().get(0);
        assertThat(cell0.memoryBytes()).isEqualTo(16384000L * 1024);
        assertThat(cell0.hugepages()).containsExactly(
                new HostInventory.HugepagePool(2048, 1024, 1024),
                new HostInventory.HugepagePool(1048576, 2, 2));
        assertThat(cell0.cpus().get(1)).isEqualTo(new HostInventory.Cpu(1, 0, 1, java.util.List.of(1, 3)));
        assertThat(caps.cells().get(1).cpus().get(3)).isEqualTo(new HostInventory.Cpu(7, 1, 1, java.util.List.of(6, 7)));
    }

    /** What libvirt 9's test:///default really reports (captured with virsh). */
    @Test
    void readsTheTestDriversDefaultHost() throws IOException {
        CapabilitiesParser.HostCapabilities caps = CapabilitiesParser.parse(resource("test-default.xml"));

        assertThat(caps.cells()).hasSize(2);
        assertThat(caps.cells()).extracting(HostInventory.NumaCell::memoryBytes).containsExactly(2L << 30, 4L << 30);
        assertThat(caps.cells().get(1).cpus()).hasSize(8);
        assertThat(caps.cells().get(1).cpus().get(0).socketId()).isEqualTo(1);
    }

    @Test
    void hostWithoutTopologyHasNoCells() {
        assertThat(CapabilitiesParser.parse("<capabilities><host><cpu><arch>i686</arch></cpu>"
                + "<topology><cells num='0'></cells></topology></host></capabilities>").cells()).isEmpty();
    }

    @Test
    void readsCpuLists() {
        assertThat(CapabilitiesParser.cpuList("0-2,8,10-11")).containsExactly(0, 1, 2, 8, 10, 11);
    }
}
