package io.kvmha.failover.fencing;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvmha.failover.fencing.FencingDriver.DriverResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ipmitool driver against a stand-in ipmitool script that keeps the chassis state in a file. */
class IpmiFencingDriverTest {

    static final String PASSWORD = "ipmi-pw-77";

    @TempDir
    Path dir;

    IpmiFencingDriver driver(String mode) throws Exception {
        Path state = Files.writeString(dir.resolve("state"), "on");
        Path args = dir.resolve("args");
        Path script = dir.resolve("ipmitool");
        Files.writeString(script, """
                #!/bin/sh
                echo "$@" >> %s
                case "%s" in
                  unreachable) echo "Error: Unable to establish IPMI v2 / RMCP+ session" ; exit 1 ;;
                  refuse) case "$*" in *"power off"*) echo "Set Chassis Power Control to Down/Off failed: Insufficient privilege level"; exit 1;; esac ;;
                esac
                case "$*" in
                  *"power status"*) echo "Chassis Power is $(cat %s)" ;;
                  *"power off"*) echo off > %s ; echo "Chassis Power Control: Down/Off" ;;
                esac
                """.formatted(args, mode, state, state));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        Path passwordFile = Files.writeString(dir.resolve("pw"), PASSWORD);
        return new IpmiFencingDriver(script.toString(), "10.0.0.11", "lanplus",
                Secret.fromFile(Files.writeString(dir.resolve("user"), "admin")), passwordFile,
                Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofMillis(20));
    }

    @Test
    void powersOffAndConfirmsWithThePasswordOnlyInAFile() throws Exception {
        DriverResult result = driver("ok").fence("h1");
        assertThat(result.kind()).isEqualTo(DriverResult.Kind.OFF);
        String args = Files.readString(dir.resolve("args"));
        assertThat(args).contains("-I lanplus -H 10.0.0.11 -U admin -f " + dir.resolve("pw"), "chassis power off")
                .doesNotContain(PASSWORD);
        assertThat(Files.readString(dir.resolve("state")).trim()).isEqualTo("off");
    }

    @Test
    void aSessionThatCannotBeEstablishedIsUnreachable() throws Exception {
        assertThat(driver("unreachable").fence("h1").kind()).isEqualTo(DriverResult.Kind.UNREACHABLE);
    }

    @Test
    void aRefusedPowerOffIsRefused() throws Exception {
        DriverResult result = driver("refuse").fence("h1");
        assertThat(result.kind()).isEqualTo(DriverResult.Kind.REFUSED);
        assertThat(result.detail()).contains("Insufficient privilege");
    }
}
