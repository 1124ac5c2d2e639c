package io.kvmha.failover.core;

import java.time.Duration;
import java.util.Objects;

/**
 * Fixed silence thresholds of the {@link HeartbeatFailureDetector}.
 *
 * @param suspectAfter silence after which a host is SUSPECT (default 1 s): it gets no new VMs, nothing else
 * @param downAfter    silence after which a host is DOWN and recovered (default 2 s); must exceed suspectAfter
 */
public record DetectionThresholds(Duration suspectAfter, Duration downAfter) {

    public static final DetectionThresholds DEFAULT = new DetectionThresholds(Duration.ofSeconds(1), Duration.ofSeconds(2));

    public DetectionThresholds {
        Objects.requireNonNull(suspectAfter, "suspectAfter");
        Objects.requireNonNull(downAfter, "downAfter");
        if (suspectAfter.isNegative() || suspectAfter.isZero()) {
            throw new IllegalArgumentException("suspectAfter must be positive, was " + suspectAfter);
        }
        if (downAfter.compareTo(suspectAfter) <= 0) {
            throw new IllegalArgumentException("downAfter (" + downAfter + ") must exceed suspectAfter (" + suspectAfter + ")");
        }
    }
}
