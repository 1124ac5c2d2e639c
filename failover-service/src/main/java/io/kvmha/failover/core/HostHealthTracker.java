package io.kvmha.failover.core;

import io.kvmha.contracts.event.HostState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The per-host state machine: feeds heartbeats to the {@link FailureDetector}, turns its verdicts into
 * transitions (ONLINE -> SUSPECT -> DOWN, and back to ONLINE on a heartbeat), and holds everything while
 * the {@link PartitionGuard} says this instance is the one cut off. Not thread-safe.
 */
public final class HostHealthTracker {

    private final FailureDetector detector;
    private final PartitionGuard guard = new PartitionGuard();
    private final Map<String, HostHealth> hosts = new TreeMap<>();

    public HostHealthTracker(FailureDetector detector) {
        this.detector = detector;
    }

    /**
     * Records a heartbeat. A first heartbeat makes the host ONLINE silently (it is now judged); a
     * heartbeat from a SUSPECT or DOWN host returns it to ONLINE.
     */
    public Optional<HealthTransition> heartbeat(HeartbeatObservation heartbeat) {
        Optional<HeartbeatObservation> previous = detector.last(heartbeat.hostId());
        detector.record(heartbeat);
        HostHealth current = hosts.get(heartbeat.hostId());
        if (current == null) {
            hosts.put(heartbeat.hostId(), new HostHealth(heartbeat.hostId(), HostState.ONLINE, heartbeat.receivedAt(),
                    List.of("first heartbeat seq " + heartbeat.sequence() + " received")));
            return Optional.empty();
        }
        if (current.state() != HostState.SUSPECT && current.state() != HostState.DOWN) {
            return Optional.empty();
        }
        String silence = previous.map(p -> " after " + HeartbeatFailureDetector.seconds(
                Duration.between(p.receivedAt(), heartbeat.receivedAt())) + " of silence").orElse("");
        return Optional.of(move(current, HostState.ONLINE, List.of("heartbeat seq " + heartbeat.sequence() + " received"
                + silence + " (libvirt " + (heartbeat.libvirtConnected() ? "CONNECTED" : "DISCONNECTED") + ")"),
                heartbeat.receivedAt(), heartbeat.receivedAt()));
    }

    /** Judges every host as of {@code now}; returns the transitions taken and any partition note. */
    public Evaluation evaluate(Instant now) {
        List<Verdict> verdicts = detector.evaluate(now);
        PartitionGuard.Check check = guard.check(verdicts);
        if (check.hold()) {
            return new Evaluation(List.of(), check.note());
        }
        List<HealthTransition> transitions = new ArrayList<>();
        for (Verdict verdict : verdicts) {
            HostHealth current = hosts.get(verdict.hostId());
            if (current == null) {
                continue;
            }
            HostState target = switch (verdict.liveness()) {
                case ALIVE -> null; // Back to ONLINE happens on the heartbeat itself, not on a tick.
                case SUSPECT -> current.state() == HostState.ONLINE ? HostState.SUSPECT : null;
                case DEAD -> current.state() == HostState.ONLINE || current.state() == HostState.SUSPECT ? HostState.DOWN : null;
            };
            if (target != null) {
                transitions.add(move(current, target, List.of(verdict.evidence()), now, verdict.last().receivedAt()));
            }
        }
        return new Evaluation(transitions, check.note());
    }

    private HealthTransition move(HostHealth current, HostState target, List<String> evidence, Instant at,
                                  Instant lastHeartbeatAt) {
        HostLifecycle.require(current.state(), target, current.hostId());
        hosts.put(current.hostId(), new HostHealth(current.hostId(), target, at, evidence));
        return new HealthTransition(current.hostId(), current.state(), target, evidence, at, lastHeartbeatAt);
    }

    public void forget(String hostId) {
        hosts.remove(hostId);
        detector.forget(hostId);
    }

    public Optional<HostHealth> health(String hostId) {
        return Optional.ofNullable(hosts.get(hostId));
    }

    public Map<String, HostHealth> all() {
        return Map.copyOf(hosts);
    }

    public boolean partitionSuspected() {
        return guard.inEpisode();
    }

    /** The outcome of one evaluation. */
    public record Evaluation(List<HealthTransition> transitions, Optional<OperatorNote> note) {
    }
}
