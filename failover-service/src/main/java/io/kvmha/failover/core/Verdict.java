package io.kvmha.failover.core;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * What a {@link FailureDetector} concludes about one host at one instant, with the evidence an
 * operator needs to check it ("no heartbeat for 2.1 s (last seq 42 at ...)"). The evidence is written only when
 * asked for: every host is judged on every tick, and formatting a thousand texts 20 times a second that are read
 * only on a transition held the engine's lock long enough to delay heartbeats at 1,000 hosts.
 */
public record Verdict(String hostId, Liveness liveness, HeartbeatObservation last, Duration silence,
                      Supplier<String> describe) {

    public String evidence() {
        return describe.get();
    }
}
