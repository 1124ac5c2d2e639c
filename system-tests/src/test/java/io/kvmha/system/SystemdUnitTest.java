package io.kvmha.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The host-agent's systemd unit is valid for systemd and keeps its hardening. */
class SystemdUnitTest {

    private static final Path UNIT = Path.of("..", "deploy", "systemd", "kvmha-host-agent.service");

    @Test
    void systemdAcceptsTheUnit() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")),
                "systemd-analyze is not installed here: the unit is checked on machines with systemd");
        Path copy = Files.createTempDirectory("unit").resolve("kvmha-host-agent.service");
        Files.copy(UNIT, copy);
        Process process = new ProcessBuilder("systemd-analyze", "verify", copy.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).as("systemd-analyze verify output").doesNotContainIgnoringCase("unknown");
        System.out.println("systemd-analyze verify kvmha-host-agent.service: ok");
    }

    @Test
    void theUnitRunsUnprivilegedAndRestartsAlways() throws Exception {
        String unit = Files.readString(UNIT);
        assertThat(unit).contains("User=kvmha", "SupplementaryGroups=libvirt", "Restart=always",
                "NoNewPrivileges=yes", "ProtectSystem=strict", "CapabilityBoundingSet=\n");
    }
}
