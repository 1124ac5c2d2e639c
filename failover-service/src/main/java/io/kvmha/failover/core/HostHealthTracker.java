package io.kvmha.failover.core;

import io.kvmha.contracts.event.HostState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The per-host state machine: feeds heartbeats to the {@link FailureDetector}, turns its verdicts into
 * transitions (ONLINE -> SUSPECT -> DOWN, and back to ONLINE on a heartbeat), keeps each host's history,
 * and holds DOWN while the {@link MassFailureGuard} is engaged. Fencing, rejoin and maintenance moves
 * are taken by the {@link FailoverEngine} through {@link #move}. Not thread-safe.
 */
public final class HostHealthTracker {

    /** Transitions kept per host for the history API; the compacted health topic keeps only the latest. */
    static final int HISTORY = 200;
    /** States the detector's verdicts move; the others are driven by fencing, rejoin and operators. */
    private static final Set<HostState> JUDGED = EnumSet.of(HostState.ONLINE, HostState.SUSPECT);
    /** Hosts whose failure is handled (power confirmed off): their silence is no evidence of a mass failure now. */
    private static final Set<HostState> HANDLED = EnumSet.of(HostState.FENCED, HostState.RECOVERING);

    private final FailureDetector detector;
    private final MassFailureGuard guard;
    private final MassFailurePolicy policy;
    /** Per host judged dead and not yet DOWN: since when (the mass-failure hold runs from then). */
    private final Map<String, Instant> deadSince = new HashMap<>();
    private final Map<String, HostHealth> hosts = new TreeMap<>();
    private final Map<String, Deque<HealthTransition>> history = new HashMap<>();

    public HostHealthTracker(FailureDetector detector) {
        this(detector, MassFailurePolicy.DEFAULT);
    }

    public HostHealthTracker(FailureDetector detector, MassFailurePolicy massFailure) {
        this.detector = detector;
        this.guard = new MassFailureGuard(massFailure);
        this.policy = massFailure;
    }

    /**
     * Records a heartbeat. A first heartbeat makes the host ONLINE silently (it is now judged); a
     * heartbeat from a SUSPECT or DOWN host returns it to ONLINE. Other states are left to the engine.
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
        return Optional.of(move(heartbeat.hostId(), HostState.ONLINE, List.of(describeReturn(heartbeat, previous)),
                heartbeat.receivedAt()));
    }

    /** "heartbeat seq 7 received after 3.1 s of silence (libvirt CONNECTED)" */
    String describeReturn(HeartbeatObservation heartbeat, Optional<HeartbeatObservation> previous) {
        String silence = previous.map(p -> " after " + HeartbeatFailureDetector.seconds(
                Duration.between(p.receivedAt(), heartbeat.receivedAt())) + " of silence").orElse("");
        return "heartbeat seq " + heartbeat.sequence() + " received" + silence + " (libvirt "
                + (heartbeat.libvirtConnected() ? "CONNECTED" : "DISCONNECTED") + ")";
    }

    /**
     * Starts judging a host known (from its inventory) but never heard, as if heard at {@code since}: a host that
     * died before this instance started is declared down after the usual silence instead of never. No-op for a
     * host already judged.
     */
    public void expect(String hostId, Instant since) {
        if (hosts.containsKey(hostId)) {
            return;
        }
        detector.record(new HeartbeatObservation(hostId, -1, since, since, true));
        hosts.put(hostId, new HostHealth(hostId, HostState.ONLINE, since, List.of(
                "known from its inventory, not heard since this instance began hearing heartbeats at " + since)));
    }

    /** Judges every host as of {@code now}; returns the transitions taken and any guard change. */
    public Evaluation evaluate(Instant now) {
        List<Verdict> verdicts = detector.evaluate(now).stream()
                .filter(v -> hosts.containsKey(v.hostId()) && hosts.get(v.hostId()).state() != HostState.MAINTENANCE
                        && !HANDLED.contains(hosts.get(v.hostId()).state()))
                .toList();
        MassFailureGuard.Check check = guard.check(verdicts, now);
        List<HealthTransition> transitions = new ArrayList<>();
        for (Verdict verdict : verdicts) {
            HostHealth current = hosts.get(verdict.hostId());
            if (!JUDGED.contains(current.state())) {
                continue;
            }
            if (verdict.liveness() != Liveness.DEAD) {
                deadSince.remove(verdict.hostId());
            }
            String heldBecause = verdict.liveness() != Liveness.DEAD ? null
                    : check.held().contains(verdict.hostId()) ? "held by the mass-failure guard"
                    : holding(verdict.hostId(), verdicts, now) ? "held by the mass-failure guard for "
                            + policy.hold().toMillis() + " ms or while others are late, to see whether they fail with it"
                    : null;
            HostState target = switch (verdict.liveness()) {
                case ALIVE -> null; // Back to ONLINE happens on the heartbeat itself, not on a tick.
                case SUSPECT -> current.state() == HostState.ONLINE ? HostState.SUSPECT : null;
                case DEAD -> heldBecause != null
                        ? (current.state() == HostState.ONLINE ? HostState.SUSPECT : null)
                        : HostState.DOWN;
            };
            if (target != null) {
                List<String> evidence = heldBecause != null ? List.of(verdict.evidence(), heldBecause)
                        : target == HostState.DOWN && deadSince.containsKey(verdict.hostId())
                        ? List.of(verdict.evidence(), "held " + Duration.between(deadSince.get(verdict.hostId()), now)
                                .toMillis() + " ms by the mass-failure guard: no mass failure")
                        : List.of(verdict.evidence());
                if (target == HostState.DOWN) {
                    deadSince.remove(verdict.hostId());
                }
                transitions.add(move(verdict.hostId(), target, evidence, now, verdict.last().receivedAt()));
            }
        }
        return new Evaluation(transitions, check);
    }

    /**
     * Whether a host judged dead is still held: within the hold, or, up to {@link MassFailurePolicy#maxHold()},
     * while counting the late hosts would engage the guard. The guard judges the share of silent hosts
     * meanwhile. A host an operator released, or the only judged host, is not held.
     */
    private boolean holding(String hostId, List<Verdict> verdicts, Instant now) {
        if (policy.hold().isZero() || verdicts.size() < 2 || guard.released().contains(hostId)) {
            return false;
        }
        Instant since = deadSince.computeIfAbsent(hostId, h -> now);
        return now.isBefore(since.plus(policy.hold()))
                || now.isBefore(since.plus(policy.maxHold())) && guard.wouldEngageCountingLate(verdicts);
    }

    /** Takes one allowed move of a host's state machine (fencing, rejoin, maintenance). */
    public HealthTransition move(String hostId, HostState target, List<String> evidence, Instant at) {
        Instant last = detector.last(hostId).map(HeartbeatObservation::receivedAt).orElse(at);
        return move(hostId, target, evidence, at, last);
    }

    private HealthTransition move(String hostId, HostState target, List<String> evidence, Instant at, Instant lastHeartbeatAt) {
        HostHealth current = hosts.get(hostId);
        if (current == null) {
            throw new IllegalStateException("host " + hostId + " is not judged");
        }
        HostLifecycle.require(current.state(), target, hostId);
        hosts.put(hostId, new HostHealth(hostId, target, at, evidence));
        HealthTransition transition = new HealthTransition(hostId, current.state(), target, evidence, at, lastHeartbeatAt);
        Deque<HealthTransition> past = history.computeIfAbsent(hostId, h -> new ArrayDeque<>());
        past.addLast(transition);
        while (past.size() > HISTORY) {
            past.removeFirst();
        }
        return transition;
    }

    /**
     * Takes over a host in the state a crashed instance left it (FENCING, FENCED) without a heartbeat:
     * it is not judged by the detector until it heartbeats again.
     */
    public HealthTransition adopt(String hostId, HostState state, List<String> evidence, Instant at) {
        HostHealth previous = hosts.get(hostId);
        hosts.put(hostId, new HostHealth(hostId, state, at, evidence));
        HealthTransition transition = new HealthTransition(hostId, previous == null ? null : previous.state(), state,
                evidence, at, at);
        history.computeIfAbsent(hostId, h -> new ArrayDeque<>()).addLast(transition);
        return transition;
    }

    /** Restarts judging a host from now (its silence in maintenance must not count). */
    public void rearm(String hostId, Instant now) {
        detector.rearm(hostId, now);
    }

    public Optional<HeartbeatObservation> lastHeartbeat(String hostId) {
        return detector.last(hostId);
    }

    public void forget(String hostId) {
        deadSince.remove(hostId);
        hosts.remove(hostId);
        history.remove(hostId);
        detector.forget(hostId);
    }

    public Optional<HostHealth> health(String hostId) {
        return Optional.ofNullable(hosts.get(hostId));
    }

    /** The hosts that became SUSPECT after {@code since} and still are (they may be about to fail). */
    public List<String> suspectSince(Instant since) {
        List<String> suspects = new ArrayList<>();
        for (HostHealth host : hosts.values()) {
            if (host.state() == HostState.SUSPECT && host.since().isAfter(since)) {
                suspects.add(host.hostId());
            }
        }
        return suspects;
    }

    public Map<String, HostHealth> all() {
        return Map.copyOf(hosts);
    }

    /** A host's transitions, oldest first (the newest {@value #HISTORY}). */
    public List<HealthTransition> history(String hostId) {
        return List.copyOf(history.getOrDefault(hostId, new ArrayDeque<>()));
    }

    public boolean partitionSuspected() {
        return guard.engaged();
    }

    MassFailureGuard guard() {
        return guard;
    }

    /** The outcome of one evaluation. */
    public record Evaluation(List<HealthTransition> transitions, MassFailureGuard.Check guard) {

        public Optional<OperatorNote> note() {
            return guard.note();
        }
    }
}
