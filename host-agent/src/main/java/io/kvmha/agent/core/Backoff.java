package io.kvmha.agent.core;

import java.time.Duration;

/** Exponential backoff between reconnection attempts: initial, doubled per failure, capped. */
public record Backoff(Duration initial, Duration max) implements RetryDelays {

    public Backoff {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max, got " + initial + ", " + max);
        }
    }

    /** The delay after {@code failures} consecutive failures (1 for the first). */
    @Override
    public Duration delayAfter(int failures) {
        Duration delay = initial;
        for (int i = 1; i < failures && delay.compareTo(max) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(max) > 0 ? max : delay;
    }
}
