package io.kvmha.failover.fencing;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvmha.bmc.Fault;
import io.kvmha.bmc.PowerState;
import io.kvmha.bmc.RedfishBmcEmulator;
import io.kvmha.failover.fencing.FencingDriver.DriverResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Redfish driver against the emulator over real HTTP. */
class RedfishFencingDriverTest {

    static final String PASSWORD = "pw-Zq81-never-logged";

    @TempDir
    Path dir;
    RedfishBmcEmulator bmc;
    Secret user;
    Secret password;

    @BeforeEach
    void start() throws Exception {
        bmc = RedfishBmcEmulator.start("fence", PASSWORD, "h1");
        user = Secret.fromFile(Files.writeString(dir.resolve("user"), "fence\n"));
        password = Secret.fromFile(Files.writeString(dir.resolve("password"), PASSWORD + "\n"));
    }

    @AfterEach
    void stop() {
        bmc.close();
    }

    RedfishFencingDriver driver(Secret pw) {
        return new RedfishFencingDriver(bmc.systemUri("h1"), user, pw, true, Duration.ofMillis(500),
                Duration.ofSeconds(2), Duration.ofMillis(20));
    }

    @Test
    void forceOffThenPowerStateOff() throws Exception {
        DriverResult result = driver(password).fence("h1");
        assertThat(result.kind()).isEqualTo(DriverResult.Kind.OFF);
        assertThat(result.detail()).contains("ForceOff accepted", "PowerState Off");
        assertThat(bmc.powerState("h1")).isEqualTo(PowerState.Off);
        assertThat(bmc.resetCount("h1")).isEqualTo(1);
    }

    @Test
    void aChassisAlreadyOffIsFencedWithoutAReset() throws Exception {
        bmc.setPowerState("h1", PowerState.Off);
        DriverResult result = driver(password).fence("h1");
        assertThat(result.kind()).isEqualTo(DriverResult.Kind.OFF);
        assertThat(result.detail()).contains("already Off");
        assertThat(bmc.resetCount("h1")).isZero();
    }

    @Test
    void pollsUntilThePowerStateReadsOff() throws Exception {
        bmc.setPowerOffDelay(Duration.ofMillis(300));
        assertThat(driver(password).fence("h1").kind()).isEqualTo(DriverResult.Kind.OFF);
        assertThat(bmc.powerState("h1")).isEqualTo(PowerState.Off);
    }

    @Test
    void aRefusingBmcIsRefused() throws Exception {
        bmc.setFault("h1", Fault.REFUSE);
        DriverResult result = driver(password).fence("h1");
        assertThat(result.kind()).isEqualTo(DriverResult.Kind.REFUSED);
        assertThat(result.detail()).contains("HTTP 500", "refused");
        assertThat(bmc.powerState("h1")).isEqualTo(PowerState.On);
    }

    @Test
    void wrongCredentialsAreRefusedAndNeverEchoed() throws Exception {
        Secret wrong = Secret.fromFile(Files.writeString(dir.resolve("wrong"), "guess-123"));
        DriverResult result = driver(wrong).fence("h1");
        assertThat(result.kind()).isEqualTo(DriverResult.Kind.REFUSED);
        assertThat(result.detail()).contains("401").doesNotContain("guess-123");
        assertThat(wrong.toString()).doesNotContain("guess-123");
    }

    @Test
    void anUnreachableBmcIsUnreachable() throws Exception {
        bmc.setFault("h1", Fault.UNREACHABLE);
        DriverResult result = driver(password).fence("h1");
        assertThat(result.kind()).isEqualTo(DriverResult.Kind.UNREACHABLE);
        assertThat(result.detail()).doesNotContain(PASSWORD);
    }
}
