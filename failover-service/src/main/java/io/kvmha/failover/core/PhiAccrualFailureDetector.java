package io.kvmha.failover.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Adaptive detection (Hayashibara et al., "The phi accrual failure detector"; the variant Akka and
 * Cassandra use): per host, the mean and standard deviation of recent heartbeat inter-arrival times give
 * phi = -log10(P(a heartbeat arrives later than now)). A regular stream is judged quickly; a jittery one
 * earns patience. Fixed silence thresholds still apply as ceilings ({@code suspectAfter}, {@code downAfter}),
 * so a host is never kept alive by a wide learned distribution.
 *
 * <p>Intervals longer than {@code downAfter} (a host that was down, or an agent restart) are not learned.
 */
public final class PhiAccrualFailureDetector implements FailureDetector {

    private final PhiThresholds phi;
    private final DetectionThresholds ceilings;
    private final Map<String, HostStream> streams = new TreeMap<>();

    public PhiAccrualFailureDetector(PhiThresholds phi, DetectionThresholds ceilings) {
        this.phi = phi;
        this.ceilings = ceilings;
    }

    @Override
    public void record(HeartbeatObservation heartbeat) {
        HostStream stream = streams.computeIfAbsent(heartbeat.hostId(), h -> new HostStream(phi));
        if (stream.last != null) {
            long interval = Duration.between(stream.last.silentSince(), heartbeat.receivedAt()).toMillis();
            if (interval >= 0 && interval <= ceilings.downAfter().toMillis()) {
                stream.add(interval, phi.windowSize());
            }
        }
        stream.last = heartbeat;
    }

    @Override
    public Optional<HeartbeatObservation> last(String hostId) {
        return Optional.ofNullable(streams.get(hostId)).map(s -> s.last);
    }

    @Override
    public List<Verdict> evaluate(Instant now) {
        List<Verdict> verdicts = new ArrayList<>(streams.size());
        for (HostStream stream : streams.values()) {
            HeartbeatObservation last = stream.last;
            Duration silence = Duration.between(last.silentSince(), now);
            double mean = stream.mean();
            double sd = stream.stdDev(phi);
            double value = HostStream.phi(silence.toMillis(), mean + phi.acceptablePause().toMillis(), sd);
            Liveness liveness = value >= phi.downPhi() || silence.compareTo(ceilings.downAfter()) > 0 ? Liveness.DEAD
                    : value >= phi.suspectPhi() || silence.compareTo(ceilings.suspectAfter()) > 0 ? Liveness.SUSPECT
                    : Liveness.ALIVE;
            verdicts.add(new Verdict(last.hostId(), liveness, last, silence,
                    () -> describe(liveness, value, mean, sd, silence, last)));
        }
        return verdicts;
    }

    private static String describe(Liveness liveness, double value, double mean, double sd, Duration silence,
                                   HeartbeatObservation last) {
        // Beyond ~300 the probability underflows to 0 and phi is "infinite": say so instead of 1.8e308.
        String phiText = value > 300 ? "phi > 300" : String.format(Locale.ROOT, "phi %.1f", value);
        String stats = String.format(Locale.ROOT, "%s, mean interval %.0f ms, sd %.0f ms", phiText, mean, sd);
        return liveness == Liveness.ALIVE
                ? "heartbeat " + HeartbeatFailureDetector.seconds(silence) + " ago (" + stats + ")"
                : "no heartbeat for " + HeartbeatFailureDetector.seconds(silence) + " (" + stats + "; last "
                + last.describe() + ")";
    }

    @Override
    public void rearm(String hostId, Instant now) {
        HostStream stream = streams.get(hostId);
        if (stream != null) {
            HeartbeatObservation last = stream.last;
            streams.put(hostId, new HostStream(phi));
            streams.get(hostId).last = new HeartbeatObservation(hostId, last.sequence(), last.sentAt(), now,
                    last.libvirtConnected());
        }
    }

    @Override
    public void forget(String hostId) {
        streams.remove(hostId);
    }

    @Override
    public void discount(Duration deafness, Instant heardBy) {
        for (HostStream stream : streams.values()) {
            if (!stream.last.receivedAt().isAfter(heardBy)) {
                stream.last = stream.last.receivedLater(deafness);
            }
        }
    }

    /** phi for a silence of {@code millis} given the intervals seen so far (exposed for tests and benchmarks). */
    double phi(String hostId, long millis) {
        return streams.get(hostId).phi(millis, phi);
    }

    /** The recent inter-arrival times of one host. */
    private static final class HostStream {
        private final Deque<Long> intervals = new ArrayDeque<>();
        private double sum;
        private double squares;
        HeartbeatObservation last;

        HostStream(PhiThresholds phi) {
            // Seed with the expected interval so the first seconds are judged sanely (as Akka does).
            long expected = phi.expectedInterval().toMillis();
            long spread = expected / 4;
            add(expected - spread, Integer.MAX_VALUE);
            add(expected + spread, Integer.MAX_VALUE);
        }

        void add(long interval, int window) {
            intervals.addLast(interval);
            sum += interval;
            squares += (double) interval * interval;
            while (intervals.size() > window) {
                long dropped = intervals.removeFirst();
                sum -= dropped;
                squares -= (double) dropped * dropped;
            }
        }

        double mean() {
            return sum / intervals.size();
        }

        double stdDev(PhiThresholds phi) {
            double mean = mean();
            double variance = Math.max(0, squares / intervals.size() - mean * mean);
            return Math.max(Math.sqrt(variance), phi.minStdDev().toMillis());
        }

        double phi(long sinceLast, PhiThresholds phi) {
            return phi(sinceLast, mean() + phi.acceptablePause().toMillis(), stdDev(phi));
        }

        /** phi of a silence against a normal distribution of arrivals ({@code mean} includes the acceptable pause). */
        static double phi(long sinceLast, double mean, double sd) {
            double y = (sinceLast - mean) / sd;
            // Logistic approximation of the normal CDF's tail, numerically stable for large y.
            double e = Math.exp(-y * (1.5976 + 0.070566 * y * y));
            double value = sinceLast > mean ? -Math.log10(e / (1.0 + e)) : -Math.log10(1.0 - 1.0 / (1.0 + e));
            return Double.isFinite(value) ? value : Double.MAX_VALUE;
        }
    }
}
