package io.kvmha.failover.core;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/** A clock that moves only when the test says so. */
final class VirtualClock implements InstantSource {

    private Instant now;

    VirtualClock(Instant start) {
        this.now = start;
    }

    @Override
    public Instant instant() {
        return now;
    }

    VirtualClock advance(Duration d) {
        now = now.plus(d);
        return this;
    }

    VirtualClock advanceMillis(long millis) {
        return advance(Duration.ofMillis(millis));
    }
}
