package io.kvmha.failover.core;

import java.time.Duration;
import java.util.Objects;

/**
 * When silence is more likely a partition of the control plane than dead hosts.
 *
 * @param maxSilentShare share of judged hosts (maintenance excluded) that may go silent within the window
 *                       before the guard engages (default 0.3, CloudStack's figure): more than this, nothing is fenced
 * @param minSilentHosts the guard never engages for fewer silent hosts than this (default 2), so one dead host in a
 *                       small cluster is always recovered
 * @param window         a host counts as newly silent while its silence is shorter than this (default 60 s);
 *                       older failures were already handled. Once the guard is engaged, every silent host counts
 *                       whatever its age, so a partition longer than the window does not end the episode
 * @param hold           a host judged dead stays SUSPECT this long before it is declared DOWN (default 100 ms), so
 *                       hosts that fail together a moment apart are judged together. Costs this much recovery time
 *                       on every failure; zero turns it off (and the late extension with it)
 * @param lateAfter      a host silent this long (default 700 ms: a heartbeat interval and its jitter) is late: not yet
 *                       suspect, but when counting the late hosts with the silent ones would engage the guard, a
 *                       held host keeps waiting (at most hold + lateAfter in all) until they are suspect or heard. Without it, the
 *                       first of two hosts dying a moment apart is fenced before the second is even suspect
 * @param quietPeriod    unless every host of the episode has been heard again, the guard disengages only after its
 *                       condition has been false this long (default 10 s), so a healing partition whose hosts come
 *                       back over a few seconds does not get its last hosts fenced
 */
public record MassFailurePolicy(double maxSilentShare, int minSilentHosts, Duration window, Duration hold,
        Duration lateAfter, Duration quietPeriod) {

    public static final Duration DEFAULT_HOLD = Duration.ofMillis(100);
    public static final Duration DEFAULT_LATE_AFTER = Duration.ofMillis(700);
    public static final Duration DEFAULT_QUIET_PERIOD = Duration.ofSeconds(10);

    public static final MassFailurePolicy DEFAULT = new MassFailurePolicy(0.3, 2, Duration.ofSeconds(60),
            DEFAULT_HOLD, DEFAULT_LATE_AFTER, DEFAULT_QUIET_PERIOD);

    /** Without a hold: a dead host is declared DOWN at once (unless the guard is engaged); no quiet period. */
    public MassFailurePolicy(double maxSilentShare, int minSilentHosts, Duration window) {
        this(maxSilentShare, minSilentHosts, window, Duration.ZERO, DEFAULT_LATE_AFTER, Duration.ZERO);
    }

    public MassFailurePolicy {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(hold, "hold");
        Objects.requireNonNull(lateAfter, "lateAfter");
        Objects.requireNonNull(quietPeriod, "quietPeriod");
        if (hold.isNegative()) {
            throw new IllegalArgumentException("hold must not be negative, was " + hold);
        }
        if (lateAfter.isNegative() || lateAfter.isZero()) {
            throw new IllegalArgumentException("lateAfter must be positive, was " + lateAfter);
        }
        if (quietPeriod.isNegative()) {
            throw new IllegalArgumentException("quietPeriod must not be negative, was " + quietPeriod);
        }
        if (maxSilentShare <= 0 || maxSilentShare >= 1) {
            throw new IllegalArgumentException("maxSilentShare must be in (0, 1), was " + maxSilentShare);
        }
        if (minSilentHosts < 1) {
            throw new IllegalArgumentException("minSilentHosts must be at least 1, was " + minSilentHosts);
        }
    }

    /** Whether this many silent hosts among this many judged ones is a mass failure. */
    boolean massive(long silent, int judged) {
        return silent >= minSilentHosts && silent > maxSilentShare * judged;
    }

    /**
     * The longest a dead host is held while late hosts are awaited: a host silent for lateAfter is SUSPECT (by the
     * 1 s suspect ceiling) or heard within about another lateAfter.
     */
    Duration maxHold() {
        return hold.plus(lateAfter);
    }
}
