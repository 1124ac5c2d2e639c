package io.kvmha.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The testbed script ({@code testbed/testbed}) driven from Java: one method per verb. Runs inside the
 * controller namespace (see {@code testbed/controller-jvm/bin/java}); every verb fails loudly with the script's output.
 */
public final class Testbed {

    public static final String CONTROLLER = "10.254.77.1";
    public static final String SCHEDULER = "http://" + CONTROLLER + ":8082";
    public static final String FAILOVER = "http://" + CONTROLLER + ":8083";
    public static final String MONITOR = "http://" + CONTROLLER + ":8084";
    public static final String ALERTMANAGER = "http://" + CONTROLLER + ":9093";
    public static final String PROMETHEUS = "http://" + CONTROLLER + ":9090";

    private final Path root;
    private final Path state;
    private final int hosts;

    public Testbed(Path root, int hosts) {
        this.root = root;
        this.state = Path.of(System.getenv().getOrDefault("KVMHA_TESTBED_DIR", "/tmp/kvmha-testbed"));
        this.hosts = hosts;
    }

    /** The repository root, from {@code -Dkvmha.root} (set by the e2e module's Surefire configuration). */
    public static Path repositoryRoot() {
        return Path.of(System.getProperty("kvmha.root", "..")).toAbsolutePath().normalize();
    }

    /** Whether the testbed can run here: root, in the controller namespace (the wrapper put us there). */
    public static boolean available() {
        return "root".equals(System.getProperty("user.name")) && Files.exists(Path.of("/run/netns/kvmha-ctl"));
    }

    /** Where the testbed keeps its state, logs and secrets. */
    public Path state() {
        return state;
    }

    /** The BMC emulator's password, the secret the failover service fences with. */
    public String bmcPassword() throws IOException {
        return Files.readString(state.resolve("ctl/bmc/password")).strip();
    }

    public List<String> hostIds() {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= hosts; i++) {
            ids.add("h" + i);
        }
        return ids;
    }

    public String unixUri(String host) {
        return "qemu+unix:///system?socket=" + state.resolve(host).resolve("run/libvirt-sock");
    }

    /** Serial log of a VM (the counter guest writes one line per ~220 ms). */
    public Path serialLog(String vmId) {
        return state.resolve("shared/serial").resolve(vmId + ".log");
    }

    /** {@code kvm} or {@code tcg}: how the guests run here. */
    public String acceleration() throws IOException {
        return Files.readString(state.resolve("shared/accel")).strip();
    }

    public void up() {
        run(Duration.ofMinutes(4), "up", String.valueOf(hosts));
    }

    public void down() {
        run(Duration.ofMinutes(2), "down");
    }

    /** Link down, then every process of the host killed at once; returns the instant just before. */
    public Instant powerOff(String host) {
        Instant at = Instant.now();
        run(Duration.ofSeconds(30), "poweroff", host);
        return at;
    }

    public void powerOn(String host) {
        run(Duration.ofSeconds(60), "power-on", host);
    }

    public void crashLibvirtd(String host, int restartAfterSeconds) {
        run(Duration.ofSeconds(60), "crash-libvirtd", host, String.valueOf(restartAfterSeconds));
    }

    public void killVm(String host, String vm) {
        run(Duration.ofSeconds(30), "kill-vm", host, vm);
    }

    public Instant partition(String host) {
        Instant at = Instant.now();
        run(Duration.ofSeconds(30), "partition", host);
        return at;
    }

    public void heal(String host) {
        run(Duration.ofSeconds(30), "heal", host);
    }

    public void bmcFault(String host, String fault) {
        run(Duration.ofSeconds(30), "bmc-fault", host, fault);
    }

    private String run(Duration timeout, String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(root.resolve("testbed/testbed").toString());
        argv.addAll(List.of(args));
        try {
            Path output = Files.createTempFile("testbed-", ".out");
            try {
                ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(output.toFile());
                builder.environment().putIfAbsent("KVMHA_TESTBED_KEEP_LOGS",
                        root.resolve("e2e-tests/target/testbed-logs").toString());
                Process process = builder.start();
                process.getOutputStream().close();
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException("testbed " + String.join(" ", args) + " did not finish within "
                            + timeout + ":\n" + Files.readString(output));
                }
                String text = Files.readString(output, StandardCharsets.UTF_8);
                if (process.exitValue() != 0) {
                    throw new IllegalStateException("testbed " + String.join(" ", args) + " failed (exit "
                            + process.exitValue() + "):\n" + text);
                }
                return text;
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run the testbed script", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
