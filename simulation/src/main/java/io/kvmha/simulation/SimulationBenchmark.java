package io.kvmha.simulation;

import io.kvmha.simulation.fleet.FleetSpec;
import io.kvmha.simulation.scenario.HostRecovery;
import io.kvmha.simulation.scenario.MassSilence;
import io.kvmha.simulation.scenario.PlacementRate;
import io.kvmha.simulation.scenario.RackLoss;
import io.kvmha.simulation.scenario.Scenario;
import io.kvmha.simulation.scenario.ScenarioResult;
import io.kvmha.simulation.scenario.SteadyState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs one simulation benchmark: {@code SimulationBenchmark NAME [--quick] [--hosts N] [--out FILE] [--work DIR]}
 * ({@code --hosts} overrides the cluster size, for scaling curves), from the
 * repository root (bench/sim-NAME/run calls it). Starts a whole simulated cluster of the benchmark's size, runs the
 * scenario, writes the JSON result and stops everything it started.
 */
public final class SimulationBenchmark {

    /** Cluster sizes: full (the 1,000 hosts x 10 VMs) and quick (what CI runs). */
    public record Size(int hosts, int hostsPerRack, int vmsPerHost) {
        public static final Size FULL = new Size(1000, 50, 10);
        public static final Size QUICK = new Size(30, 3, 10);

        /** {@code hosts} hosts of 10 VMs, racks of 50 (or a tenth of the hosts, for small clusters). */
        public static Size ofHosts(int hosts) {
            return new Size(hosts, Math.max(1, Math.min(50, hosts / 10)), 10);
        }
    }

    /** Memory of the VMs the cluster is populated with, and of those the placement benchmark creates. */
    static final long VM_MEMORY_MIB = 512;
    static final long PLACEMENT_VM_MEMORY_MIB = 256;

    private SimulationBenchmark() {
    }

    public static List<String> names() {
        return List.of("sim-steady", "sim-recovery", "sim-rack", "sim-mass", "sim-placement");
    }

    /** The scenario called {@code name}, sized for a full or a quick run. */
    public static Scenario scenario(String name, boolean quick) {
        return scenario(name, quick, quick ? Size.QUICK : Size.FULL);
    }

    /**
     * The scenario called {@code name} for a cluster of {@code size}: the placement benchmark's duration shrinks with
     * clusters smaller than 1,000 hosts (500 creates/s for hosts/1000 minutes), so that its VMs still fit.
     */
    public static Scenario scenario(String name, boolean quick, Size size) {
        if (!quick && name.equals("sim-placement") && size.hosts() < 1000) {
            return new PlacementRate(500, Duration.ofSeconds(Math.max(5, size.hosts() * 60L / 1000)), PLACEMENT_VM_MEMORY_MIB);
        }
        return switch (name) {
            case "sim-steady" -> new SteadyState(quick ? Duration.ofSeconds(10) : Duration.ofMinutes(5));
            case "sim-recovery" -> new HostRecovery(quick ? 2 : 25, 42);
            case "sim-rack" -> new RackLoss(Duration.ofSeconds(quick ? 30 : 60));
            case "sim-mass" -> new MassSilence(0.4, Duration.ofSeconds(8));
            case "sim-placement" -> quick ? new PlacementRate(50, Duration.ofSeconds(10), PLACEMENT_VM_MEMORY_MIB)
                    : new PlacementRate(500, Duration.ofSeconds(60), PLACEMENT_VM_MEMORY_MIB);
            default -> throw new IllegalArgumentException("unknown benchmark " + name + "; known: " + names());
        };
    }

    /** Options of a simulation of {@code size}, working in {@code workDir}. */
    public static Simulation.Options options(Path repositoryRoot, Path workDir, Size size) {
        Path kafkaClasspath = repositoryRoot.resolve("simulation/target/kafka-classpath.txt");
        return new Simulation.Options(repositoryRoot, workDir, kafkaClasspath, FleetSpec.of(size.hosts(), size.hostsPerRack()),
                size.vmsPerHost(), VM_MEMORY_MIB, size.hosts() > 100 ? "1g" : "512m",
                List.of("-Xms256m", "-Xmx1g", "-XX:+UseG1GC"), List.of());
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: SimulationBenchmark NAME[,NAME...] [--quick] [--hosts N] [--out FILE] [--work DIR]; NAME one of "
                    + names() + "; several names run one after the other on one cluster, each written to bench/results/NAME.json");
            System.exit(2);
        }
        List<String> requested = List.of(args[0].split(","));
        boolean quick = false;
        Path out = null;
        Path work = null;
        Integer hosts = null;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--out" -> out = Path.of(args[++i]);
                case "--work" -> work = Path.of(args[++i]);
                case "--hosts" -> hosts = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (out != null && requested.size() > 1) {
            throw new IllegalArgumentException("--out goes with one benchmark only");
        }
        Size size = hosts != null ? Size.ofHosts(hosts) : quick ? Size.QUICK : Size.FULL;
        List<Scenario> scenarios = new java.util.ArrayList<>();
        for (String name : requested) {
            scenarios.add(scenario(name, quick, size));
        }
        Path root = Path.of("").toAbsolutePath();
        if (work == null) {
            work = Files.createTempDirectory("kvmha-sim-");
        }
        try (Simulation simulation = Simulation.start(options(root, work.resolve("run"), size))) {
            for (Scenario scenario : scenarios) {
                String loadBefore = loadAverage();
                Instant startedAt = Instant.now();
                ScenarioResult result = scenario.run(simulation);
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("benchmark", scenario.name());
                json.put("quick", quick);
                json.put("machine", System.getenv().getOrDefault("BENCH_MACHINE", "unknown"));
                json.put("metrics", result.metrics());
                json.put("cluster", Map.of("hosts", size.hosts(), "hosts_per_rack", size.hostsPerRack(),
                        "vms", size.hosts() * size.vmsPerHost(), "heartbeat_interval_ms", 500, "metrics_interval_s", 5));
                json.put("started_at", startedAt.toString());
                json.put("load_average_before", loadBefore);
                json.put("load_average_after", loadAverage());
                if (scenarios.size() > 1) {
                    json.put("shared_cluster_with", requested);
                }
                json.put("details", result.details());
                write(out != null ? out : Path.of("bench/results/" + scenario.name() + ".json"), json);
                System.err.println(scenario.name() + ": " + result.metrics());
            }
        }
    }

    /** Writes a result as indented JSON. */
    public static void write(Path out, Map<String, Object> json) throws IOException {
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        JsonMapper mapper = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
        Files.writeString(out, mapper.writeValueAsString(json) + "\n");
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
