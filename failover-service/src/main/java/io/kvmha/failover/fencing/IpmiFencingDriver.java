package io.kvmha.failover.fencing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Fences through IPMI with {@code ipmitool}: {@code chassis power status} (off counts as fenced),
 * {@code chassis power off}, then status until off. The password goes to ipmitool as a file
 * ({@code -f}), never on the command line.
 */
public final class IpmiFencingDriver implements FencingDriver {

    private final String ipmitool;
    private final String address;
    private final String interfaceName;
    private final Secret username;
    private final Path passwordFile;
    private final Duration commandTimeout;
    private final Duration powerOffTimeout;
    private final Duration pollInterval;

    public IpmiFencingDriver(String ipmitool, String address, String interfaceName, Secret username, Path passwordFile,
                             Duration commandTimeout, Duration powerOffTimeout, Duration pollInterval) {
        this.ipmitool = ipmitool;
        this.address = address;
        this.interfaceName = interfaceName;
        this.username = username;
        this.passwordFile = passwordFile;
        this.commandTimeout = commandTimeout;
        this.powerOffTimeout = powerOffTimeout;
        this.pollInterval = pollInterval;
    }

    @Override
    public String name() {
        return "ipmi";
    }

    @Override
    public DriverResult fence(String hostId) throws InterruptedException {
        Run status = run("chassis", "power", "status");
        if (status.unreachable()) {
            return DriverResult.unreachable("ipmitool status on " + address + ": " + status.output());
        }
        if (status.exit() != 0) {
            return DriverResult.refused("ipmitool status on " + address + " exit " + status.exit() + ": " + status.output());
        }
        if (isOff(status.output())) {
            return DriverResult.off("ipmitool: chassis power already off on " + address);
        }
        Run off = run("chassis", "power", "off");
        if (off.unreachable()) {
            return DriverResult.unreachable("ipmitool power off on " + address + ": " + off.output());
        }
        if (off.exit() != 0) {
            return DriverResult.refused("ipmitool power off on " + address + " refused, exit " + off.exit() + ": " + off.output());
        }
        long deadline = System.nanoTime() + powerOffTimeout.toNanos();
        while (true) {
            Run poll = run("chassis", "power", "status");
            if (poll.exit() == 0 && isOff(poll.output())) {
                return DriverResult.off("ipmitool: power off accepted, chassis power off on " + address);
            }
            if (System.nanoTime() > deadline) {
                return DriverResult.refused("ipmitool power off accepted but status still '" + poll.output() + "' after "
                        + powerOffTimeout.toMillis() + " ms");
            }
            Thread.sleep(pollInterval.toMillis());
        }
    }

    private static boolean isOff(String output) {
        return output.toLowerCase(Locale.ROOT).contains("power is off");
    }

    private Run run(String... subcommand) throws InterruptedException {
        List<String> command = new ArrayList<>(List.of(ipmitool, "-I", interfaceName, "-H", address,
                "-U", username.reveal(), "-f", passwordFile.toString()));
        command.addAll(List.of(subcommand));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return new Run(-1, "cannot run " + ipmitool + ": " + e.getMessage(), true);
        }
        try {
            if (!process.waitFor(commandTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return new Run(-1, "no answer within " + commandTimeout.toMillis() + " ms", true);
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim()
                    .replace(username.reveal(), "****");
            String lower = output.toLowerCase(Locale.ROOT);
            boolean unreachable = process.exitValue() != 0 && (lower.contains("unable to establish")
                    || lower.contains("timeout") || lower.contains("no route") || lower.contains("connection refused"));
            return new Run(process.exitValue(), output, unreachable);
        } catch (IOException e) {
            return new Run(-1, "reading ipmitool output failed: " + e.getMessage(), true);
        } finally {
            process.destroy();
        }
    }

    private record Run(int exit, String output, boolean unreachable) {
    }

    @Override
    public String toString() {
        return "ipmi " + address;
    }
}
