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
 *                       older failures were already handled
 * @param hold           a host judged dead stays SUSPECT this long before it is declared DOWN (default 500 ms), so
 *                       hosts that fail together a moment apart are judged together: without it the first of
 *                       two hosts dying 0.5 s apart is fenced before the second is even suspect. Costs this much
 *                       recovery time on every failure; zero turns it off
 */
public record MassFailurePolicy(double maxSilentShare, int minSilentHosts, Duration window, Duration hold) {

    public static final MassFailurePolicy DEFAULT = new MassFailurePolicy(0.3, 2, Duration.ofSeconds(60),
            Duration.ofMillis(500));

    /** Without a hold: a dead host is declared DOWN at once (unless the guard is engaged). */
    public MassFailurePolicy(double maxSilentShare, int minSilentHosts, Duration window) {
        this(maxSilentShare, minSilentHosts, window, Duration.ZERO);
    }

    public MassFailurePolicy {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(hold, "hold");
        if (hold.isNegative()) {
            throw new IllegalArgumentException("hold must not be negative, was " + hold);
        }
        if (maxSilentShare <= 0 || maxSilentShare >= 1) {
            throw new IllegalArgumentException("maxSilentShare must be in (0, 1), was " + maxSilentShare);
        }
        if (minSilentHosts < 1) {
            throw new IllegalArgumentException("minSilentHosts must be at least 1, was " + minSilentHosts);
        }
    }
}
