package io.kvmha.simulation.core;

import java.util.Arrays;
import java.util.Collection;

/** Nearest-rank percentiles of a sample, the way the benchmarks report them (p50, p99, max). */
public final class Percentiles {

    private final double[] sorted;

    public Percentiles(Collection<? extends Number> values) {
        this.sorted = values.stream().mapToDouble(Number::doubleValue).sorted().toArray();
    }

    public int count() {
        return sorted.length;
    }

    /** The nearest-rank {@code p}-th percentile (0 < p <= 100); NaN for an empty sample. */
    public double percentile(double p) {
        if (p <= 0 || p > 100) {
            throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
        }
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    public double max() {
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1];
    }

    public double mean() {
        return sorted.length == 0 ? Double.NaN : Arrays.stream(sorted).average().orElse(Double.NaN);
    }

    /** Rounded for a JSON result: {@code decimals} places. */
    public static double round(double value, int decimals) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return value;
        }
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }
}
