package io.kvmha.simulation.core;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Consumer lag of one partition in seconds, from periodic samples of its end offset: a record the group
 * has not consumed yet was appended after the last sample whose end offset did not include it, so its age
 * is at most now minus that sample's time. Conservative (an upper bound) by one sampling period; exact
 * enough for a "lag under 1 s" check when sampled every 200 ms.
 */
public final class LagHistory {

    private record Sample(long atMillis, long endOffset) {
    }

    private final Deque<Sample> samples = new ArrayDeque<>();
    private final long keepMillis;

    public LagHistory(long keepMillis) {
        this.keepMillis = keepMillis;
    }

    /** Records the partition's end offset as seen at {@code atMillis}. */
    public void sample(long atMillis, long endOffset) {
        samples.addLast(new Sample(atMillis, endOffset));
        while (samples.size() > 2 && samples.peekFirst().atMillis() < atMillis - keepMillis) {
            samples.removeFirst();
        }
    }

    /** Age in seconds of the oldest record not yet consumed by a group at {@code committed}; 0 when caught up. */
    public double lagSeconds(long nowMillis, long committed) {
        Sample last = samples.peekLast();
        if (last == null || committed >= last.endOffset()) {
            return 0;
        }
        // The newest sample that did not yet contain record `committed` bounds its append time from below.
        long before = samples.peekFirst().atMillis();
        for (Sample s : samples) {
            if (s.endOffset() <= committed) {
                before = s.atMillis();
            } else {
                break;
            }
        }
        return Math.max(0, nowMillis - before) / 1000.0;
    }
}
