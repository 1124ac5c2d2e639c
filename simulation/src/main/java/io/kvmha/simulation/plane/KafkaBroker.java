package io.kvmha.simulation.plane;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A standalone Kafka broker in its own process, started and stopped through {@code testbed/kafka-broker}
 * (the same script the testbed uses), listening on 127.0.0.1 only.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaBroker.class);

    private final Path script;
    private final Path dir;
    private final String bootstrap;
    private final long pid;

    private KafkaBroker(Path script, Path dir, String bootstrap, long pid) {
        this.script = script;
        this.dir = dir;
        this.bootstrap = bootstrap;
        this.pid = pid;
    }

    /**
     * Starts a broker with its data and logs in {@code dir}.
     *
     * @param classpathFile the broker's classpath (resolved once with {@code kafka-broker classpath}), or null
     */
    public static KafkaBroker start(Path repositoryRoot, Path dir, Path classpathFile, String heap) {
        Path script = repositoryRoot.resolve("testbed/kafka-broker");
        int port = FreePorts.pick();
        int controllerPort = FreePorts.pick();
        List<String> command = new ArrayList<>(List.of(script.toString(), "start", dir.toString(),
                "--listen", "127.0.0.1:" + port, "--controller", "127.0.0.1:" + controllerPort, "--heap", heap));
        if (classpathFile != null) {
            command.addAll(List.of("--classpath-file", classpathFile.toString()));
        }
        String out = run(command, 180);
        String bootstrap = out.lines().reduce((a, b) -> b).orElse("").trim();
        long pid = readPid(dir);
        log.info("kafka broker pid={} on {} (data and logs in {})", pid, bootstrap, dir);
        return new KafkaBroker(script, dir, bootstrap, pid);
    }

    /** Resolves the broker's classpath into {@code file} unless it is already there. */
    public static Path classpath(Path repositoryRoot, Path file) {
        if (!Files.isRegularFile(file)) {
            run(List.of(repositoryRoot.resolve("testbed/kafka-broker").toString(), "classpath", file.toString()), 600);
        }
        return file;
    }

    public String bootstrapServers() {
        return bootstrap;
    }

    public long pid() {
        return pid;
    }

    private static long readPid(Path dir) {
        try {
            return Long.parseLong(Files.readString(dir.resolve("kafka.pid")).trim());
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("no broker pid in " + dir, e);
        }
    }

    private static String run(List<String> command, int timeoutSeconds) {
        try {
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed with exit code " + process.exitValue());
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        }
    }

    @Override
    public void close() {
        run(List.of(script.toString(), "stop", dir.toString()), 60);
    }
}
