package io.kvmha.simulation.plot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns the simulation benchmarks' JSON results into the PNG figures of docs/benchmarks.md:
 * {@code BenchmarkPlots RESULTS_DIR OUT_DIR} (dev/plot-benchmarks runs it headless). Reads
 * {@code sim-recovery.json}, {@code sim-rack.json} and every {@code sim-steady} result under RESULTS_DIR (including
 * {@code sim-scaling/}, runs at other cluster sizes) and writes what it has data for:
 * <ul>
 *   <li>{@code sim-recovery-runs.png}: per run, sorted, the phases of a power-loss recovery from the last heartbeat</li>
 *   <li>{@code sim-recovery-cdf.png}: the distribution (ECDF) of last heartbeat to all VMs running</li>
 *   <li>{@code sim-rack-starts.png}: VMs running again over time after a rack loss, by tier</li>
 *   <li>{@code sim-scaling-cpu.png}, {@code sim-scaling-lag.png}: steady-state CPU per process and the worst consumer
 *       lag against the number of hosts</li>
 * </ul>
 */
public final class BenchmarkPlots {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private BenchmarkPlots() {
    }

    public static void main(String[] args) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Path results = Path.of(args.length > 0 ? args[0] : "bench/results");
        Path out = Path.of(args.length > 1 ? args[1] : "docs/benchmarks");
        List<String> written = new ArrayList<>();
        JsonNode recovery = read(results.resolve("sim-recovery.json"));
        if (recovery != null) {
            recoveryRuns(recovery, out.resolve("sim-recovery-runs.png"));
            recoveryCdf(recovery, out.resolve("sim-recovery-cdf.png"));
            written.add("sim-recovery-runs.png");
            written.add("sim-recovery-cdf.png");
        }
        JsonNode rack = read(results.resolve("sim-rack.json"));
        if (rack != null) {
            rackStarts(rack, out.resolve("sim-rack-starts.png"));
            written.add("sim-rack-starts.png");
        }
        List<JsonNode> steady = steadyResults(results);
        if (!steady.isEmpty()) {
            scalingCpu(steady, out.resolve("sim-scaling-cpu.png"));
            scalingLag(steady, out.resolve("sim-scaling-lag.png"));
            written.add("sim-scaling-cpu.png");
            written.add("sim-scaling-lag.png");
        }
        System.out.println("wrote " + written + " into " + out);
    }

    static JsonNode read(Path file) throws IOException {
        return Files.isRegularFile(file) ? JSON.readTree(Files.readString(file)) : null;
    }

    private static String subtitle(JsonNode result) {
        return result.path("metrics").path("hosts").asInt() + " hosts" + (result.path("quick").asBoolean() ? ", quick" : "");
    }

    static void recoveryRuns(JsonNode result, Path file) throws IOException {
        List<JsonNode> runs = new ArrayList<>();
        result.path("details").path("runs").forEach(r -> {
            if (r.has("total_s")) {
                runs.add(r);
            }
        });
        runs.sort(Comparator.comparingDouble(r -> r.path("total_s").asDouble()));
        Map<String, java.awt.Color> phases = new LinkedHashMap<>();
        phases.put("detected_s", Chart.ORANGE);
        phases.put("fenced_s", Chart.PURPLE);
        phases.put("plan_received_s", Chart.GREEN);
        phases.put("total_s", Chart.BLUE);
        Chart chart = new Chart("sim-recovery: one host power loss, phases per run (" + subtitle(result) + ")",
                "run (sorted by total)", "seconds after the host's last heartbeat");
        phases.forEach((phase, color) -> {
            List<double[]> points = new ArrayList<>();
            for (int i = 0; i < runs.size(); i++) {
                if (runs.get(i).has(phase)) {
                    points.add(new double[] {i + 1, runs.get(i).path(phase).asDouble()});
                }
            }
            String label = switch (phase) {
                case "detected_s" -> "declared DOWN";
                case "fenced_s" -> "fenced (BMC reads Off)";
                case "plan_received_s" -> "evacuation plan received";
                default -> "all its VMs running elsewhere";
            };
            chart.add(new Chart.Series(label, color, points, true));
        });
        chart.reference(new Chart.Reference("goal: p99 <= 6 s", Chart.RED, 6)).write(file);
    }

    static void recoveryCdf(JsonNode result, Path file) throws IOException {
        List<Double> totals = new ArrayList<>();
        result.path("details").path("runs").forEach(r -> {
            if (r.has("total_s")) {
                totals.add(r.path("total_s").asDouble());
            }
        });
        totals.sort(Double::compare);
        List<double[]> points = new ArrayList<>();
        for (int i = 0; i < totals.size(); i++) {
            points.add(new double[] {totals.get(i), (i + 1) / (double) totals.size()});
        }
        new Chart("sim-recovery: distribution of last heartbeat to all VMs running (" + subtitle(result) + ")",
                "seconds", "fraction of runs at or below")
                .add(new Chart.Series("ECDF, " + totals.size() + " runs", Chart.BLUE, points, true))
                .reference(new Chart.Reference("p50", Chart.GREY, 0.5))
                .reference(new Chart.Reference("p99", Chart.RED, 0.99))
                .write(file);
    }

    static void rackStarts(JsonNode result, Path file) throws IOException {
        Map<String, List<double[]>> byTier = new LinkedHashMap<>();
        int n = 0;
        for (JsonNode start : result.path("details").path("starts")) {
            n++;
            byTier.computeIfAbsent(start.path("tier").asString(), k -> new ArrayList<>())
                    .add(new double[] {start.path("started_s").asDouble(), n});
        }
        Chart chart = new Chart("sim-rack: " + result.path("metrics").path("hosts_lost").asInt() + " hosts lost at once, "
                + result.path("metrics").path("vms").asInt() + " VMs (" + subtitle(result) + ")",
                "seconds after the earliest last heartbeat", "VMs running again (cumulative)");
        Map<String, java.awt.Color> colors = Map.of("GOLD", Chart.GOLD, "SILVER", Chart.SILVER, "BRONZE", Chart.BRONZE);
        for (String tier : List.of("GOLD", "SILVER", "BRONZE")) {
            if (byTier.containsKey(tier)) {
                chart.add(new Chart.Series(tier, colors.get(tier), byTier.get(tier), false));
            }
        }
        chart.write(file);
    }

    static List<JsonNode> steadyResults(Path results) throws IOException {
        List<JsonNode> steady = new ArrayList<>();
        if (!Files.isDirectory(results)) {
            return steady;
        }
        try (Stream<Path> files = Files.walk(results, 2)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                JsonNode node = read(file);
                if (node != null && "sim-steady".equals(node.path("benchmark").asString())) {
                    steady.add(node);
                }
            }
        }
        steady.sort(Comparator.comparingInt(n -> n.path("metrics").path("hosts").asInt()));
        return steady;
    }

    static void scalingCpu(List<JsonNode> steady, Path file) throws IOException {
        Map<String, List<double[]>> series = new TreeMap<>();
        for (JsonNode result : steady) {
            double hosts = result.path("metrics").path("hosts").asDouble();
            result.path("metrics").properties().forEach(e -> {
                if (e.getKey().endsWith("_cpu_pct_of_core")) {
                    String process = e.getKey().substring(0, e.getKey().length() - "_cpu_pct_of_core".length()).replace('_', '-');
                    series.computeIfAbsent(process, k -> new ArrayList<>()).add(new double[] {hosts, e.getValue().asDouble()});
                }
            });
        }
        Chart chart = new Chart("sim-steady: CPU per process vs cluster size (heartbeats 2 Hz, metrics every 5 s)",
                "hosts (10 VMs each)", "percent of one core");
        java.awt.Color[] palette = {Chart.BLUE, Chart.ORANGE, Chart.GREEN, Chart.RED, Chart.PURPLE, Chart.GREY};
        int i = 0;
        for (var e : series.entrySet()) {
            chart.add(new Chart.Series(e.getKey(), palette[i++ % palette.length], e.getValue(), true));
        }
        chart.write(file);
    }

    static void scalingLag(List<JsonNode> steady, Path file) throws IOException {
        List<double[]> lag = new ArrayList<>();
        for (JsonNode result : steady) {
            lag.add(new double[] {result.path("metrics").path("hosts").asDouble(),
                    result.path("metrics").path("max_consumer_lag_s").asDouble()});
        }
        new Chart("sim-steady: worst consumer lag of any group vs cluster size", "hosts (10 VMs each)", "seconds")
                .add(new Chart.Series("max_consumer_lag_s", Chart.BLUE, lag, true))
                .reference(new Chart.Reference("goal: < 1 s", Chart.RED, 1))
                .write(file);
    }
}
