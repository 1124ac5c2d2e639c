package io.kvmha.agent.core;

import java.time.Duration;

/** How long to wait before the next attempt after {@code failures} consecutive failures (1 for the first). */
@FunctionalInterface
public interface RetryDelays {
    Duration delayAfter(int failures);
}
