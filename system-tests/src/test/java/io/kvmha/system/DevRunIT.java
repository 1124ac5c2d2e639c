package io.kvmha.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's run command, for real: {@code dev/run --demo-failure} in a short mode starts the local
 * cluster, powers its busiest host off, and must print that every VM of that host runs elsewhere, never on
 * two hosts, and that the incident was recovered. The script runs on this test's classpath
 * ({@code KVMHA_RUN_CLASSPATH}) so that it does not build the project a second time.
 */
class DevRunIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void theRunCommandsDemoRecoversAScriptedHostFailure() throws Exception {
        Path log = Files.createTempFile("dev-run", ".log");
        ProcessBuilder builder = new ProcessBuilder("bash", ROOT.resolve("dev/run").toString(),
                "--hosts", "3", "--vms", "6", "--demo-failure", "--duration", "2")
                .directory(ROOT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("KVMHA_RUN_CLASSPATH",
                System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        Process process = builder.start();
        try {
            boolean exited = process.waitFor(150, TimeUnit.SECONDS);
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(exited).as("dev/run stopped by itself after --duration; it printed:%n%s", output).isTrue();
            assertThat(process.exitValue()).as("dev/run's exit code; it printed:%n%s", output).isZero();

            assertThat(output).contains("6 VMs running.");
            Matcher lost = Pattern.compile("== power loss: host (h\\d) with (\\d+) VMs ==").matcher(output);
            assertThat(lost.find()).as("a host was powered off:%n%s", output).isTrue();
            String victim = lost.group(1);
            int victims = Integer.parseInt(lost.group(2));
            assertThat(victims).as("the busiest host had VMs").isPositive();
            assertThat(output)
                    .contains("== all " + victims + " VMs of " + victim + " run elsewhere")
                    .contains("never on two hosts")
                    .doesNotContain("SEEN ON TWO HOSTS")
                    .doesNotContain("recovery did not finish")
                    .containsPattern("host " + victim + ": \\S+ -> DOWN")
                    .containsPattern("incident \\S+ RECOVERED");
        } finally {
            stop(process);
            Files.deleteIfExists(log);
        }
    }

    /** Stops the script's JVM (and anything it started) if the test ends before it did. */
    private static void stop(Process process) throws InterruptedException, IOException {
        if (!process.isAlive()) {
            return;
        }
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }
}
