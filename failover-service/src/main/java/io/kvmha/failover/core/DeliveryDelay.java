package io.kvmha.failover.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * How late heartbeats are arriving right now: a heartbeat still in the pipeline (a slow broker, a consumer behind)
 * is not a heartbeat that was not sent. Per host, the delay is its receive time minus its send time, above the
 * smallest such difference seen for that host (which absorbs the host's clock offset; it creeps up 1 ms per heartbeat
 * so a clock that was stepped is relearned). The current delay is the median of the last heartbeats of all hosts
 * received within the last 2 s: one slow host does not move it, a slow pipeline does. Not thread-safe.
 */
final class DeliveryDelay {

    private static final int SAMPLES = 64;
    private static final Duration RECENT = Duration.ofSeconds(2);
    private static final long CREEP_MILLIS = 1;

    private final Map<String, Long> baselineMillis = new HashMap<>();
    private final long[] excessMillis = new long[SAMPLES];
    private final long[] receivedMillis = new long[SAMPLES];
    private int next;
    private int size;

    void record(String hostId, Instant sentAt, Instant receivedAt) {
        long delay = receivedAt.toEpochMilli() - sentAt.toEpochMilli();
        long baseline = baselineMillis.merge(hostId, delay, (old, now) -> Math.min(old + CREEP_MILLIS, now));
        excessMillis[next] = delay - baseline;
        receivedMillis[next] = receivedAt.toEpochMilli();
        next = (next + 1) % SAMPLES;
        size = Math.min(size + 1, SAMPLES);
    }

    /** The median delay of the heartbeats received within the last 2 s (zero with fewer than 3 of them). */
    Duration current(Instant now) {
        long since = now.minus(RECENT).toEpochMilli();
        long[] recent = new long[size];
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (receivedMillis[i] >= since) {
                recent[n++] = excessMillis[i];
            }
        }
        if (n < 3) {
            return Duration.ZERO;
        }
        Arrays.sort(recent, 0, n);
        return Duration.ofMillis(recent[n / 2]);
    }

    void forget(String hostId) {
        baselineMillis.remove(hostId);
    }
}
