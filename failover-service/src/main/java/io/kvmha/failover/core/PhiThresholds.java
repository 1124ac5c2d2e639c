package io.kvmha.failover.core;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the {@link PhiAccrualFailureDetector}.
 *
 * @param suspectPhi       phi at which a host is SUSPECT (default 3: about 1 in 1000 that it is merely late)
 * @param downPhi          phi at which a host is DEAD (default 8: about 1 in 10^8)
 * @param windowSize       inter-arrival times remembered per host (default 100)
 * @param minStdDev        floor of the standard deviation (default 100 ms), so a very regular stream is
 *                         not judged on microseconds
 * @param acceptablePause  added to the mean interval (default 400 ms): a pause this long costs nothing
 * @param expectedInterval the agents' heartbeat interval (default 500 ms), used until intervals are learned
 */
public record PhiThresholds(double suspectPhi, double downPhi, int windowSize, Duration minStdDev,
                            Duration acceptablePause, Duration expectedInterval) {

    public static final PhiThresholds DEFAULT = new PhiThresholds(3, 8, 100, Duration.ofMillis(100),
            Duration.ofMillis(400), Duration.ofMillis(500));

    public PhiThresholds {
        Objects.requireNonNull(minStdDev, "minStdDev");
        Objects.requireNonNull(acceptablePause, "acceptablePause");
        Objects.requireNonNull(expectedInterval, "expectedInterval");
        if (suspectPhi <= 0 || downPhi <= suspectPhi) {
            throw new IllegalArgumentException("need 0 < suspectPhi < downPhi, was " + suspectPhi + " and " + downPhi);
        }
        if (windowSize < 2) {
            throw new IllegalArgumentException("windowSize must be at least 2, was " + windowSize);
        }
        if (minStdDev.isNegative() || minStdDev.isZero() || expectedInterval.isNegative() || expectedInterval.isZero()
                || acceptablePause.isNegative()) {
            throw new IllegalArgumentException("minStdDev and expectedInterval must be positive, acceptablePause not negative");
        }
    }
}
