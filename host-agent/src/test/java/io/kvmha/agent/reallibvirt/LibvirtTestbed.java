package io.kvmha.agent.reallibvirt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Real libvirtd hosts for tests, through {@code testbed/libvirt-hosts} (network, mount and UTS
 * namespaces per host; see that script). Needs root. Every test class that uses it says loudly on
 * standard output whether it runs and, if not, why.
 */
public final class LibvirtTestbed implements AutoCloseable {

    static final Path SCRIPT = locateScript();
    /** The script's default state directory: one testbed per machine at a time. */
    static final Path DIR = Path.of("/tmp/kvmha-libvirt-hosts");

    private final int hosts;

    private LibvirtTestbed(int hosts) {
        this.hosts = hosts;
    }

    private static Path locateScript() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("testbed/libvirt-hosts");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return Path.of("testbed/libvirt-hosts");
    }

    /** Why real libvirtd hosts cannot run here; empty when they can. */
    public static Optional<String> whyUnavailable() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return Optional.of("not running as root (user " + System.getProperty("user.name")
                    + "): real libvirtd hosts need network and mount namespaces and libvirtd as root; CI runs as root");
        }
        if (!Files.isExecutable(SCRIPT)) {
            return Optional.of("testbed script " + SCRIPT + " not found");
        }
        for (String binary : List.of("/usr/sbin/libvirtd", "/usr/sbin/virtlogd", "/usr/bin/qemu-system-x86_64",
                "/usr/bin/virsh")) {
            if (!Files.isExecutable(Path.of(binary))) {
                return Optional.of(binary + " is missing (dev/install-deps test installs libvirt-daemon, "
                        + "libvirt-daemon-driver-qemu, libvirt-clients, qemu-system-x86)");
            }
        }
        return Optional.empty();
    }

    /** Tears down whatever a killed run left, then starts {@code hosts} hosts h1..hN. */
    public static LibvirtTestbed up(int hosts) {
        LibvirtTestbed testbed = new LibvirtTestbed(hosts);
        try {
            testbed.run(60, "up", String.valueOf(hosts));
        } catch (RuntimeException e) {
            testbed.close();
            throw e;
        }
        return testbed;
    }

    /** The URI a client in this (root) namespace uses: the host's libvirtd unix socket. */
    public String uri(String host) {
        return "qemu+unix:///system?socket=" + DIR.resolve(host).resolve("run/libvirt-sock");
    }

    /** The URI another host's libvirtd uses to reach this one (peer-to-peer migration, inside the testbed). */
    public String migrationUri(String host) {
        return "qemu+tcp://10.254.78." + (10 + Integer.parseInt(host.substring(1))) + "/system";
    }

    public void killLibvirtd(String host) {
        run(30, "kill-libvirtd", host);
    }

    public void startLibvirtd(String host) {
        run(60, "start-libvirtd", host);
    }

    /** Runs {@code virsh -c <unix uri of host> args...} and returns its output. */
    public String virsh(String host, String... args) {
        List<String> command = new ArrayList<>(List.of("virsh", "-q", "-c", uri(host)));
        command.addAll(List.of(args));
        return exec(30, command);
    }

    public String run(int timeoutS, String... args) {
        List<String> command = new ArrayList<>(List.of(SCRIPT.toString()));
        command.addAll(List.of(args));
        return exec(timeoutS, command);
    }

    private static String exec(int timeoutS, List<String> command) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put("KVMHA_TESTBED_DIR", DIR.toString());
            Process process = builder.start();
            if (!process.waitFor(timeoutS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(command + " timed out after " + timeoutS + " s");
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(command + " failed (" + process.exitValue() + "): " + output);
            }
            return output;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        }
    }

    /** Stops every process of every host by pid, removes namespaces and the route. Idempotent. */
    @Override
    public void close() {
        run(120, "down");
    }

    public int hosts() {
        return hosts;
    }
}
