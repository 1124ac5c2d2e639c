package io.kvmha.failover.core;

import java.time.Duration;

/**
 * What a {@link FailureDetector} concludes about one host at one instant, with the evidence an
 * operator needs to check it ("no heartbeat for 2.1 s (last seq 42 at ...)").
 */
public record Verdict(String hostId, Liveness liveness, HeartbeatObservation last, Duration silence, String evidence) {
}
