package io.kvmha.failover.bench;

import io.kvmha.bmc.PowerState;
import io.kvmha.bmc.RedfishBmcEmulator;
import io.kvmha.failover.core.DetectionThresholds;
import io.kvmha.failover.core.FenceOutcome;
import io.kvmha.failover.core.FenceRequest;
import io.kvmha.failover.core.HeartbeatObservation;
import io.kvmha.failover.core.Liveness;
import io.kvmha.failover.core.PhiAccrualFailureDetector;
import io.kvmha.failover.core.PhiThresholds;
import io.kvmha.failover.fencing.FencingChain;
import io.kvmha.failover.fencing.RedfishFencingDriver;
import io.kvmha.failover.fencing.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The failover service's own parts of a host failure, without Kafka: (1) detection time of the phi-accrual
 * detector (default settings) on 500 ms heartbeats with jitter, on a virtual clock, over many seeded
 * streams; (2) fencing time through Redfish over real loopback HTTP against the BMC emulator (GET
 * PowerState, ForceOff, poll until Off), through the same Resilience4j chain the service uses.
 * Usage: FailoverBench QUICK(true|false) OUT.json MACHINE
 */
public final class FailoverBench {

    public static void main(String[] args) throws Exception {
        boolean quick = Boolean.parseBoolean(args[0]);
        int streams = quick ? 200 : 2000;
        int fences = quick ? 100 : 1000;
        List<Double> detect = detection(streams, 25);
        List<Double> detectJitter = detection(streams, 100);
        List<Double> fence = fencing(fences);
        String json = String.format(Locale.ROOT, """
                {"benchmark": "failover-fencing", "quick": %s, "machine": "%s", "metrics": {
                  "detect_seconds_p50": %.3f, "detect_seconds_p99": %.3f,
                  "detect_seconds_jittery_p50": %.3f, "detect_seconds_jittery_p99": %.3f,
                  "fence_seconds_p50": %.4f, "fence_seconds_p99": %.4f, "fence_seconds_max": %.4f,
                  "detection_streams": %d, "fence_runs": %d}}
                """, quick, args[2].replace("\"", "'"), pct(detect, 50), pct(detect, 99), pct(detectJitter, 50),
                pct(detectJitter, 99), pct(fence, 50), pct(fence, 99), pct(fence, 100), streams, fences);
        Files.writeString(Path.of(args[1]), json);
        System.out.print(json);
    }

    /** Seconds from the last heartbeat to DEAD, 10 ms evaluation steps (the service ticks every 100 ms). */
    static List<Double> detection(int streams, int jitterMs) {
        List<Double> out = new ArrayList<>();
        Random random = new Random(7);
        for (int s = 0; s < streams; s++) {
            PhiAccrualFailureDetector detector = new PhiAccrualFailureDetector(PhiThresholds.DEFAULT, DetectionThresholds.DEFAULT);
            Instant t = Instant.EPOCH;
            for (int i = 0; i < 60; i++) {
                detector.record(new HeartbeatObservation("h", i, t, t, true));
                t = t.plusMillis(500 + random.nextInt(2 * jitterMs + 1) - jitterMs);
            }
            Instant last = t;
            detector.record(new HeartbeatObservation("h", 61, last, last, true));
            for (long ms = 0; ms <= 3000; ms += 10) {
                if (detector.evaluate(last.plusMillis(ms)).get(0).liveness() == Liveness.DEAD) {
                    out.add(ms / 1000.0);
                    break;
                }
            }
        }
        return out;
    }

    static List<Double> fencing(int runs) throws Exception {
        List<Double> out = new ArrayList<>();
        Path dir = Files.createTempDirectory("bench-bmc");
        ExecutorService pool = Executors.newCachedThreadPool();
        try (RedfishBmcEmulator bmc = RedfishBmcEmulator.start("bench", "bench-pw", "h1")) {
            RedfishFencingDriver driver = new RedfishFencingDriver(bmc.systemUri("h1"),
                    Secret.fromFile(Files.writeString(dir.resolve("u"), "bench")),
                    Secret.fromFile(Files.writeString(dir.resolve("p"), "bench-pw")), true,
                    Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofMillis(20));
            FencingChain chain = new FencingChain(List.of(driver), pool, Duration.ofSeconds(5), 2, Duration.ofMillis(200));
            for (int i = 0; i < runs + 20; i++) {
                bmc.setPowerState("h1", PowerState.On);
                long start = System.nanoTime();
                FenceOutcome outcome = chain.fence(new FenceRequest("h1", "bench", Instant.now(), List.of()), (d, r) -> { });
                long took = System.nanoTime() - start;
                if (outcome.result() != FenceOutcome.Result.POWERED_OFF) {
                    throw new IllegalStateException("fencing failed: " + outcome.summary());
                }
                if (i >= 20) { // The first runs warm the JIT and the HTTP client.
                    out.add(took / 1e9);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return out;
    }

    static double pct(List<Double> values, int p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
