package io.kvmha.monitor.core.expr;

import java.util.Map;

/**
 * One time series: a metric name, its labels and its recent samples (a ring of timestamps in epoch
 * milliseconds and values). Not thread-safe: the {@link SeriesStore} guards it.
 */
public final class Series {

    private final String name;
    private final Map<String, String> labels;
    private final boolean state;
    private long[] times = new long[4];
    private double[] values = new double[4];
    private int start;
    private int size;
    long batch;
    boolean removed;
    /** An event-derived series (counter, last duration): forgotten like a sampled one once silent. */
    boolean expires;

    Series(String name, Map<String, String> labels, boolean state) {
        this.name = name;
        this.labels = labels;
        this.state = state;
    }

    public String name() {
        return name;
    }

    /** The labels without the metric name. */
    public Map<String, String> labels() {
        return labels;
    }

    /** A state series (derived from events) holds its last value until changed; a sampled one goes stale. */
    public boolean isState() {
        return state;
    }

    public int size() {
        return size;
    }

    public long time(int i) {
        int p = start + i;
        return times[p >= times.length ? p - times.length : p];
    }

    public double value(int i) {
        int p = start + i;
        return values[p >= values.length ? p - values.length : p];
    }

    /** The index of the first sample later than {@code from} ({@link #size} if none); samples are in time order. */
    public int firstAfter(long from) {
        if (size == 0 || time(0) > from) {
            return 0; // the whole history is inside the window: the common case
        }
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (time(mid) > from) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    public long lastTime() {
        return time(size - 1);
    }

    public double lastValue() {
        return value(size - 1);
    }

    void add(long time, double value) {
        if (size > 0 && time < lastTime()) {
            return; // out of order: Prometheus refuses it too
        }
        if (size > 0 && time == lastTime()) {
            values[(start + size - 1) % values.length] = value;
            return;
        }
        if (size == times.length) {
            grow();
        }
        int at = (start + size) % times.length;
        times[at] = time;
        values[at] = value;
        size++;
    }

    /** Drops samples older than {@code before}, always keeping the latest one (for staleness). */
    void prune(long before) {
        while (size > 1 && time(0) < before) {
            start = (start + 1) % times.length;
            size--;
        }
    }

    private void grow() {
        long[] t = new long[times.length * 2];
        double[] v = new double[values.length * 2];
        for (int i = 0; i < size; i++) {
            t[i] = time(i);
            v[i] = value(i);
        }
        times = t;
        values = v;
        start = 0;
    }
}
