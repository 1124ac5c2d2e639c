package io.kvmha.simulation.plane;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU and resident memory of named processes over a window: CPU as the average percent of one core between
 * {@link #begin()} and {@link #end()}, RSS as the highest value seen by {@link #sample()} (call it every second
 * or so) and at the end.
 */
public final class ResourceSampler {

    /** One process over the window. */
    public record Usage(double cpuPctOfCore, double rssMaxMib, double rssEndMib) {
    }

    private final Map<String, Long> pids;
    private final Map<String, ProcessUsage> first = new LinkedHashMap<>();
    private final Map<String, Double> rssMax = new LinkedHashMap<>();
    private long beganNanos;

    public ResourceSampler(Map<String, Long> pids) {
        this.pids = Map.copyOf(pids);
    }

    public void begin() {
        beganNanos = System.nanoTime();
        pids.forEach((name, pid) -> {
            ProcessUsage usage = ProcessUsage.of(pid);
            if (usage != null) {
                first.put(name, usage);
                rssMax.put(name, usage.rssMib());
            }
        });
    }

    public void sample() {
        pids.forEach((name, pid) -> {
            ProcessUsage usage = ProcessUsage.of(pid);
            if (usage != null) {
                rssMax.merge(name, usage.rssMib(), Math::max);
            }
        });
    }

    public Map<String, Usage> end() {
        double seconds = (System.nanoTime() - beganNanos) / 1e9;
        Map<String, Usage> result = new LinkedHashMap<>();
        first.forEach((name, start) -> {
            ProcessUsage now = ProcessUsage.of(pids.get(name));
            if (now != null) {
                result.put(name, new Usage(now.cpuPercentSince(start, seconds), Math.max(rssMax.get(name), now.rssMib()),
                        now.rssMib()));
            }
        });
        return result;
    }
}
