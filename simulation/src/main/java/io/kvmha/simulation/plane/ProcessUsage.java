package io.kvmha.simulation.plane;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time and resident memory of one process, from /proc (Linux): what {@code top} would show, sampled by
 * the harness for the services, the broker and itself.
 */
public record ProcessUsage(long cpuTicks, long rssKib) {

    private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux

    /** Current usage of {@code pid}, or null when it is gone. */
    public static ProcessUsage of(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime + stime
            long rss = 0;
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return new ProcessUsage(ticks, rss);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Percent of one core used between {@code earlier} and this sample, {@code seconds} apart. */
    public double cpuPercentSince(ProcessUsage earlier, double seconds) {
        return (cpuTicks - earlier.cpuTicks) * 100.0 / TICKS_PER_SECOND / seconds;
    }

    public double rssMib() {
        return rssKib / 1024.0;
    }
}
