package io.kvmha.faultsoak;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs seeded fault schedules and reports counts. {@code --schedules N} (default 200) runs seeds 1..N,
 * {@code --quick} runs 20, {@code --seed S} runs one seed and prints its whole event log. The last line of stdout is
 * the one-line benchmark JSON, also written to {@code --out} (default bench/results/fault-soak.json).
 * Exit status 1 when an invariant broke.
 */
public final class FaultSoak {

    private FaultSoak() {
    }

    public static void main(String[] args) throws IOException {
        int schedules = 200;
        boolean quick = false;
        Long single = null;
        long first = 1;
        String out = "bench/results/fault-soak.json";
        String machine = "unknown";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--schedules" -> schedules = Integer.parseInt(args[++i]);
                case "--quick" -> quick = true;
                case "--seed" -> single = Long.parseLong(args[++i]);
                case "--first" -> first = Long.parseLong(args[++i]);
                case "--out" -> out = args[++i];
                case "--machine" -> machine = args[++i];
                default -> {
                    System.err.println("usage: FaultSoak [--schedules N | --quick | --seed S] [--first S] [--out FILE] [--machine TEXT]");
                    System.exit(2);
                }
            }
        }
        if (quick) {
            schedules = 20;
        }
        PrintStream stdout = System.out;
        long started = System.nanoTime();
        List<SoakRun.Result> results = new ArrayList<>();
        if (single != null) {
            SoakRun.Result result = SoakRun.run(single, true);
            result.log().forEach(stdout::println);
            results.add(result);
            report(stdout, result);
        } else {
            for (long seed = first; seed < first + schedules; seed++) {
                SoakRun.Result result = SoakRun.run(seed, false);
                results.add(result);
                report(stdout, result);
            }
        }
        double wall = (System.nanoTime() - started) / 1e9;
        String json = json(results, quick, machine, wall, single);
        if (single == null) {
            Path path = Path.of(out);
            if (path.getParent() != null) {
                Files.createDirectories(path.getParent());
            }
            Files.writeString(path, json + "\n", StandardCharsets.UTF_8);
        }
        stdout.println(json);
        stdout.flush();
        System.exit(results.stream().allMatch(SoakRun.Result::passed) ? 0 : 1);
    }

    private static void report(PrintStream out, SoakRun.Result result) {
        out.println((result.passed() ? "ok   " : "FAIL ") + result.summary());
        for (Violation v : result.violations()) {
            out.println("       " + v);
        }
        if (!result.passed()) {
            out.println("       reproduce: bench/fault-soak/run --seed " + result.seed());
        }
    }

    static String json(List<SoakRun.Result> results, boolean quick, String machine, double wallSeconds, Long seed) {
        Map<Violation.Kind, Integer> byKind = new EnumMap<>(Violation.Kind.class);
        for (Violation.Kind kind : Violation.Kind.values()) {
            byKind.put(kind, 0);
        }
        int violations = 0;
        int faults = 0;
        int fences = 0;
        int incidents = 0;
        double virtualSeconds = 0;
        List<Long> failing = new ArrayList<>();
        for (SoakRun.Result r : results) {
            violations += r.violations().size();
            faults += r.faults().size();
            fences += r.fences();
            incidents += r.incidents();
            virtualSeconds += r.virtualSeconds();
            r.violations().forEach(v -> byKind.merge(v.kind(), 1, Integer::sum));
            if (!r.passed()) {
                failing.add(r.seed());
            }
        }
        StringBuilder metrics = new StringBuilder();
        metrics.append("\"schedules\": ").append(results.size())
                .append(", \"invariant_violations\": ").append(violations)
                .append(", \"failing_schedules\": ").append(failing.size());
        byKind.forEach((kind, n) -> metrics.append(", \"").append(kind.name().toLowerCase(Locale.ROOT)).append("\": ").append(n));
        metrics.append(", \"faults_injected\": ").append(faults)
                .append(", \"fence_events\": ").append(fences)
                .append(", \"incidents\": ").append(incidents)
                .append(", \"virtual_seconds_mean\": ").append(String.format(Locale.ROOT, "%.1f",
                        results.isEmpty() ? 0 : virtualSeconds / results.size()))
                .append(", \"wall_seconds\": ").append(String.format(Locale.ROOT, "%.1f", wallSeconds));
        return "{\"benchmark\": \"fault-soak\", \"quick\": " + quick + ", \"machine\": \"" + escape(machine)
                + "\", \"metrics\": {" + metrics + "}, \"failing_seeds\": " + failing
                + (seed == null ? "" : ", \"seed\": " + seed) + "}";
    }

    private static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
