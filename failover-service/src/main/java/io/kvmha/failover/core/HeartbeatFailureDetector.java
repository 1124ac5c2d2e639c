package io.kvmha.failover.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Fixed-timeout detection: a host silent for longer than {@code suspectAfter} is SUSPECT, longer than
 * {@code downAfter} DEAD. Silence is measured from the receive time of the latest heartbeat.
 */
public final class HeartbeatFailureDetector implements FailureDetector {

    private final DetectionThresholds thresholds;
    // Sorted so verdicts, and therefore decisions, come out in a stable order.
    private final Map<String, HeartbeatObservation> latest = new TreeMap<>();

    public HeartbeatFailureDetector(DetectionThresholds thresholds) {
        this.thresholds = thresholds;
    }

    @Override
    public void record(HeartbeatObservation heartbeat) {
        latest.put(heartbeat.hostId(), heartbeat);
    }

    @Override
    public Optional<HeartbeatObservation> last(String hostId) {
        return Optional.ofNullable(latest.get(hostId));
    }

    @Override
    public List<Verdict> evaluate(Instant now) {
        List<Verdict> verdicts = new ArrayList<>(latest.size());
        for (HeartbeatObservation last : latest.values()) {
            Duration silence = Duration.between(last.silentSince(), now);
            Liveness liveness = silence.compareTo(thresholds.downAfter()) > 0 ? Liveness.DEAD
                    : silence.compareTo(thresholds.suspectAfter()) > 0 ? Liveness.SUSPECT
                    : Liveness.ALIVE;
            verdicts.add(new Verdict(last.hostId(), liveness, last, silence, () -> liveness == Liveness.ALIVE
                    ? "heartbeat " + seconds(silence) + " ago (" + last.describe() + ")"
                    : "no heartbeat for " + seconds(silence) + " (last " + last.describe() + ")"));
        }
        return verdicts;
    }

    @Override
    public void rearm(String hostId, Instant now) {
        HeartbeatObservation last = latest.get(hostId);
        if (last != null) {
            latest.put(hostId, new HeartbeatObservation(hostId, last.sequence(), last.sentAt(), now, last.libvirtConnected()));
        }
    }

    @Override
    public void forget(String hostId) {
        latest.remove(hostId);
    }

    @Override
    public void discount(Duration deafness, Instant heardBy) {
        latest.replaceAll((host, last) -> last.receivedAt().isAfter(heardBy) ? last : last.receivedLater(deafness));
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
