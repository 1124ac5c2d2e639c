package io.kvmha.contracts.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock for tests of time-driven cores: time moves only when the test says so. */
public final class VirtualClock extends Clock {

    private volatile Instant now;

    public VirtualClock(Instant start) {
        this.now = start;
    }

    public VirtualClock advance(Duration duration) {
        now = now.plus(duration);
        return this;
    }

    public VirtualClock advanceMillis(long millis) {
        return advance(Duration.ofMillis(millis));
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
