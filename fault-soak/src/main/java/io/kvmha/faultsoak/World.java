package io.kvmha.faultsoak;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * A discrete-event world: one virtual clock, one seeded random source and one queue of timed actions. Actions
 * at the same instant run in the order they were scheduled, so a seed replays the same run to the letter.
 */
public final class World {

    static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    private final VirtualClock clock = new VirtualClock(START);
    private final Random random;
    private final PriorityQueue<Timed> queue = new PriorityQueue<>();
    private final List<String> log = new ArrayList<>();
    private final boolean keepLog;
    private long sequence;
    private boolean stopped;
    private long ids;

    private record Timed(Instant at, long sequence, Runnable action) implements Comparable<Timed> {
        @Override
        public int compareTo(Timed other) {
            int byTime = at.compareTo(other.at);
            return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
        }
    }

    public World(long seed, boolean keepLog) {
        this.random = new Random(seed);
        this.keepLog = keepLog;
    }

    public VirtualClock clock() {
        return clock;
    }

    public Instant now() {
        return clock.instant();
    }

    public Random random() {
        return random;
    }

    /** A uniformly random duration in [min, max]. */
    public Duration between(Duration min, Duration max) {
        long span = max.toMillis() - min.toMillis();
        return min.plusMillis(span <= 0 ? 0 : random.nextLong(span + 1));
    }

    public boolean chance(double p) {
        return random.nextDouble() < p;
    }

    public void after(Duration delay, Runnable action) {
        at(now().plus(delay), action);
    }

    public void at(Instant time, Runnable action) {
        queue.add(new Timed(time.isBefore(now()) ? now() : time, sequence++, action));
    }

    /** Runs every action due until {@code end} or until {@link #stop()} is called. */
    public void runUntil(Instant end) {
        while (!stopped && !queue.isEmpty() && !queue.peek().at().isAfter(end)) {
            Timed next = queue.poll();
            clock.advanceTo(next.at());
            next.action().run();
        }
        if (!stopped) {
            clock.advanceTo(end);
        }
    }

    /** Ends the run after the current action. */
    public void stop() {
        stopped = true;
    }

    /** A fresh, deterministic id. */
    public String id(String prefix) {
        return prefix + "-" + (++ids);
    }

    public void log(String line) {
        if (keepLog) {
            log.add(clock.since(START) + " " + line);
        }
    }

    public boolean keepsLog() {
        return keepLog;
    }

    public List<String> logLines() {
        return List.copyOf(log);
    }
}
