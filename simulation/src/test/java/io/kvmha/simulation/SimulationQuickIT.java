package io.kvmha.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvmha.simulation.scenario.Scenario;
import io.kvmha.simulation.scenario.ScenarioResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The five simulation benchmarks in their quick size (30 hosts, 300 VMs), through the same code path as
 * {@code bench/run sim-* --quick}, against ONE real Kafka broker and the three services' exec jars in their own
 * processes (started once for all five). Asserts what must hold whatever the machine's speed — nothing lost, no
 * double run, tier order, the guard engaged and nothing fenced — never a timing. Results go to
 * target/sim-quick/*.json, never to bench/results.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SimulationQuickIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path RESULTS = Path.of("target/sim-quick").toAbsolutePath();
    private static Simulation simulation;

    @BeforeAll
    static void startCluster() throws IOException {
        Path work = Path.of("target/sim-quick-work").toAbsolutePath();
        Files.createDirectories(work);
        Simulation.Options options = SimulationBenchmark.options(ROOT, work.resolve("run"), SimulationBenchmark.Size.QUICK);
        simulation = Simulation.start(new Simulation.Options(options.repositoryRoot(), options.workDir(),
                work.resolve("kafka-classpath.txt"), options.fleet(), options.vmsPerHost(), options.vmMemoryMib(),
                options.brokerHeap(), options.serviceJvm(), options.serviceArgs()));
    }

    @AfterAll
    static void stopCluster() {
        if (simulation != null) {
            simulation.close();
        }
    }

    private static ScenarioResult run(String name) throws IOException {
        Scenario scenario = SimulationBenchmark.scenario(name, true);
        ScenarioResult result = scenario.run(simulation);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("benchmark", name);
        json.put("quick", true);
        json.put("metrics", result.metrics());
        json.put("details", result.details());
        SimulationBenchmark.write(RESULTS.resolve(name + ".json"), json);
        System.out.println("SIMULATION " + name + " " + result.metrics());
        return result;
    }

    @Test
    @Order(1)
    void steadyStateHeartbeatsFlowAndLagIsMeasured() throws IOException {
        ScenarioResult result = run("sim-steady");
        assertThat(result.longMetric("vms")).isPositive();
        assertThat(((Number) result.metrics().get("heartbeats_per_s")).doubleValue()).isPositive();
        assertThat(result.metrics()).containsKeys("max_consumer_lag_s", "kafka_broker_cpu_pct_of_core",
                "scheduler_service_rss_max_mb", "failover_service_rss_max_mb", "monitor_service_rss_max_mb");
    }

    @Test
    @Order(4)
    void placementLosesNoVm() throws IOException {
        ScenarioResult result = run("sim-placement");
        assertThat(result.longMetric("accepted")).isPositive();
        assertThat(result.longMetric("lost")).isZero();
        assertThat(result.longMetric("placed")).isEqualTo(result.longMetric("accepted"));
    }

    @Test
    @Order(2)
    void powerLossRestartsEveryVmOnceElsewhere() throws IOException {
        ScenarioResult result = run("sim-recovery");
        assertThat(result.longMetric("runs")).isEqualTo(2);
        assertThat(result.longMetric("incomplete_runs")).isZero();
        assertThat(result.longMetric("double_runs")).isZero();
    }

    @Test
    @Order(3)
    void rackLossRestartsGoldBeforeSilver() throws IOException {
        ScenarioResult result = run("sim-rack");
        assertThat(result.longMetric("vms_restarted")).isEqualTo(result.longMetric("vms"));
        // Rack-wide, by the time each VM runs: the failover service holds a tier back until every better-tier VM of
        // every concurrent incident runs.
        assertThat(result.longMetric("tier_order_violations")).isZero();
        assertThat(result.longMetric("tier_order_violations_issued_per_host")).isZero();
        assertThat(result.longMetric("double_runs")).isZero();
    }

    @Test
    @Order(5)
    void massSilenceEngagesTheGuardAndFencesNothing() throws IOException {
        ScenarioResult result = run("sim-mass");
        assertThat(result.metrics().get("guard_engaged")).isEqualTo(true);
        // While the hosts are silent, and after the heal too: the guard ends only when every host of the episode is
        // heard again (or after its quiet period), so the last hosts of a healing partition are not fenced.
        assertThat(result.longMetric("hosts_fenced_while_silent")).isZero();
        assertThat(result.longMetric("hosts_fenced")).isZero();
    }
}
