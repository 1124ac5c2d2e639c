package io.kvmha.e2e.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes a benchmark result in the repository's convention: {"benchmark", "quick", "machine", "metrics"}. */
final class BenchReport {

    private BenchReport() {
    }

    static void write(Path file, String name, boolean quick, String machine, Map<String, Object> metrics) throws IOException {
        List<String> entries = new ArrayList<>();
        metrics.forEach((k, v) -> entries.add("\"" + k + "\": " + format(v)));
        String json = String.format(Locale.ROOT, "{\"benchmark\": \"%s\", \"quick\": %s, \"machine\": \"%s\", \"metrics\": {%s}}%n",
                name, quick, machine.replace("\"", "'"), String.join(", ", entries));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, json);
    }

    private static String format(Object value) {
        if (value instanceof Double d) {
            return Double.isNaN(d) ? "null" : String.format(Locale.ROOT, "%.3f", d);
        }
        if (value instanceof String s) {
            return "\"" + s.replace("\"", "'") + "\"";
        }
        return String.valueOf(value);
    }

    /** The q-quantile (0..1) of the values, nearest rank. */
    static double quantile(List<Double> values, double q) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = values.stream().sorted().toList();
        int rank = (int) Math.ceil(q * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }
}
