package io.kvmha.simulation.plane;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One control-plane service from its production exec jar, in its own JVM, serving on 127.0.0.1 only, with its
 * output in {@code <logDir>/<name>.log}. Started as production starts it ({@code java -jar}), plus the broker
 * address, a free port and any extra arguments; stopped by its pid (SIGTERM, then SIGKILL).
 */
public final class ServiceProcess implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ServiceProcess.class);

    private final String name;
    private final Process process;
    private final int port;
    private final Path logFile;

    private ServiceProcess(String name, Process process, int port, Path logFile) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.logFile = logFile;
    }

    /** Starts {@code <root>/<name>/target/<name>-0.1.0-SNAPSHOT-exec.jar}; returns at once (see {@link #awaitReady}). */
    public static ServiceProcess start(Path repositoryRoot, String name, String bootstrapServers, Path logDir,
                                       List<String> jvmOptions, List<String> extraArgs) {
        Path jar = repositoryRoot.resolve(name).resolve("target").resolve(name + "-0.1.0-SNAPSHOT-exec.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no " + jar + ": build it first (./mvnw -B -q -pl " + name + " package -DskipTests)");
        }
        int port = FreePorts.pick();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString(),
                "--spring.kafka.bootstrap-servers=" + bootstrapServers,
                "--server.port=" + port, "--server.address=127.0.0.1",
                "--spring.main.banner-mode=off"));
        command.addAll(extraArgs);
        try {
            Files.createDirectories(logDir);
            Path logFile = logDir.resolve(name + ".log");
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(logFile.toFile()).start();
            log.info("{} pid={} port={} log={}", name, process.pid(), port, logFile);
            return new ServiceProcess(name, process, port, logFile);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name, e);
        }
    }

    /** Waits until {@code /actuator/health} answers UP. */
    public void awaitReady(Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with code " + process.exitValue() + " during start-up; see " + logFile);
            }
            try {
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200 && health.body().contains("UP")) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + name, e);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + name, e);
            }
        }
        throw new IllegalStateException(name + " not healthy within " + timeout.toSeconds() + " s; see " + logFile);
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public Path logFile() {
        return logFile;
    }

    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                log.warn("{} pid={} did not stop on SIGTERM within 20 s; SIGKILL", name, process.pid());
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
