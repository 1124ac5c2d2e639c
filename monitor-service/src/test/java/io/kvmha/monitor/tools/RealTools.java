package io.kvmha.monitor.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The real monitoring tools from Debian's packages ({@code prometheus}, {@code prometheus-alertmanager}),
 * run as child processes on loopback. Tests skip with a clear message only where a binary is missing;
 * CI installs them ({@code dev/install-deps}).
 */
public final class RealTools {

    public static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    public static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    public static final Path ALERTMANAGER = Path.of("/usr/bin/prometheus-alertmanager");
    public static final Path AMTOOL = Path.of("/usr/bin/amtool");

    private RealTools() {
    }

    public static void assumeInstalled(Path tool) {
        Assumptions.assumeTrue(Files.isExecutable(tool), tool + " is not installed (Debian package "
                + (tool.toString().contains("alertmanager") || tool.toString().contains("amtool")
                        ? "prometheus-alertmanager" : "prometheus")
                + "; dev/install-deps installs it): skipping this real-tool test");
    }

    /** The repository root (tests run in the module directory). */
    public static Path repo() {
        Path here = Path.of("").toAbsolutePath();
        return Files.isDirectory(here.resolve("deploy")) ? here : here.getParent();
    }

    public static Path deploy(String relative) {
        return repo().resolve("deploy").resolve(relative);
    }

    public record Result(int exitCode, String output) {
        public Result assertSucceeded() {
            assertThat(exitCode).as("exit code; output:%n%s", output).isZero();
            return this;
        }
    }

    /** Runs a tool to completion (stdout and stderr merged), printing its output to the test log. */
    public static Result run(Path workDir, String stdin, String... command) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
            Process process = builder.start();
            if (stdin != null) {
                process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in 60 s");
            }
            System.out.println("$ " + String.join(" ", command) + "\n" + output);
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A long-running tool (Prometheus, Alertmanager) on loopback with its own temporary data directory.
     * {@link #close} stops it (also registered as a shutdown hook, so it never outlives the test JVM).
     */
    public static final class Server implements AutoCloseable {

        private final Process process;
        private final Path dir;
        private final Thread hook;
        public final int port;

        public Server(Path dir, int port, List<String> command) {
            this.dir = dir;
            this.port = port;
            try {
                List<String> cmd = new ArrayList<>(command);
                System.out.println("starting: " + String.join(" ", cmd));
                process = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                        .redirectOutput(dir.resolve("server.log").toFile()).start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            hook = new Thread(this::stop, "stop-" + command.get(0));
            Runtime.getRuntime().addShutdownHook(hook);
        }

        public String baseUrl() {
            return "http://127.0.0.1:" + port;
        }

        public boolean isAlive() {
            return process.isAlive();
        }

        public String log() {
            try {
                return Files.readString(dir.resolve("server.log"));
            } catch (IOException e) {
                return "(no log: " + e + ")";
            }
        }

        /** Waits until GET {@code path} answers 200, or fails with the server's log. */
        public void awaitReady(String path, Duration timeout) {
            var http = java.net.http.HttpClient.newHttpClient();
            long end = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < end) {
                if (!process.isAlive()) {
                    throw new AssertionError("server exited with " + process.exitValue() + ":\n" + log());
                }
                try {
                    var response = http.send(java.net.http.HttpRequest.newBuilder(
                                    java.net.URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(1)).build(),
                            java.net.http.HttpResponse.BodyHandlers.discarding());
                    if (response.statusCode() == 200) {
                        return;
                    }
                } catch (IOException e) {
                    // not listening yet
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
                try {
                    Thread.sleep(100); // polling a child process's readiness; nothing to await on
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            throw new AssertionError("server not ready within " + timeout + ":\n" + log());
        }

        private void stop() {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            stop();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down; the hook runs stop() again, harmlessly
            }
        }
    }
}
