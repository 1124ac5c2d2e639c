package io.kvmha.faultsoak;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** The one clock of a simulated world: it moves only when the event queue says so. */
public final class VirtualClock extends Clock {

    private Instant now;

    public VirtualClock(Instant start) {
        this.now = start;
    }

    @Override
    public Instant instant() {
        return now;
    }

    void advanceTo(Instant time) {
        if (time.isBefore(now)) {
            throw new IllegalStateException("time runs forward only: " + time + " < " + now);
        }
        now = time;
    }

    /** Seconds since {@code start}, for log lines. */
    String since(Instant start) {
        Duration d = Duration.between(start, now);
        return String.format("%8.3f", d.toNanos() / 1e9);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the simulated clock has one zone, UTC");
    }
}
