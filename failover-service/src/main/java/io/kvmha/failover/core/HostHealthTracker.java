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
 *
 * <p>Deafness. When no host at all has been heard while several were due (they turned late within the quiet), the
 * silence is this instance's (a pause of its own, its consumer's, the broker's), not the hosts': judging stops where
 * the quiet began, and when hearing resumes that time is not counted as any host's silence. The
 * 1,000-host simulation showed why: stalls of 1-1.5 s of the whole heartbeat stream made 400 hosts SUSPECT at once
 * and engaged the guard, which then held a failed rack's last hosts through its quiet period. A deafness longer than
 * {@link #DEAF_LIMIT} is judged after all: every host is then silent, and the guard's "all silent" rule holds
 * everything and alerts.
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
    /** How long this instance may hear nobody before its deafness is judged as the hosts' silence after all. */
    static final Duration DEAF_LIMIT = Duration.ofSeconds(5);
    /** Quiet of the whole stream shorter than this is never deafness. */
    private static final Duration MIN_DEAF_GAP = Duration.ofMillis(150);
    /** Since when this instance is deaf (judging is frozen there); null while it hears. */
    private Instant deafSince;
    /** The latest receive time of any heartbeat. */
    private Instant lastHeard;
    /** Hosts judged ALIVE at the latest evaluation: how many heartbeat streams are expected to arrive. */
    private int alive;
    private final List<OperatorNote> deafnessNotes = new ArrayList<>();
    private final DeliveryDelay deliveryDelay = new DeliveryDelay();

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
        discountDeafness(heartbeat.receivedAt());
        if (heartbeat.sequence() >= 0) {
            deliveryDelay.record(heartbeat.hostId(), heartbeat.sentAt(), heartbeat.receivedAt());
        }
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

    /**
     * Whether this instance is deaf as of {@code now}: nobody heard for over 150 ms while hosts turned late within that
     * quiet (at least 2, and 5 % of those alive): heard in time before it (by the receive clock, discounts aside, so no
     * host counts twice), now silent for {@code lateAfter}. Hosts beating in step leave the stream quiet a whole
     * interval but turn late in none; a host that failed turns late once, so its detection is put off at most once.
     */
    private boolean turnedDeaf(List<Verdict> verdicts, Instant now) {
        if (lastHeard == null || alive < 2) {
            return false;
        }
        Duration gap = Duration.between(lastHeard, now);
        if (gap.compareTo(MIN_DEAF_GAP) <= 0 || gap.compareTo(DEAF_LIMIT) > 0) {
            return false;
        }
        Instant inTimeAfter = lastHeard.minus(policy.lateAfter());
        Instant lateBy = now.minus(policy.lateAfter());
        long turnedLate = verdicts.stream().map(Verdict::last)
                .filter(last -> !last.receivedAt().isBefore(inTimeAfter) && !last.receivedAt().isAfter(lateBy)).count();
        return turnedLate >= Math.max(2, alive / 20);
    }

    /** Hearing again after a deafness: the time nobody was heard is nobody's silence (up to DEAF_LIMIT). */
    private void discountDeafness(Instant receivedAt) {
        if (deafSince != null) {
            Duration gap = Duration.between(lastHeard, receivedAt);
            if (gap.compareTo(DEAF_LIMIT) <= 0 && receivedAt.isAfter(deafSince)) {
                Duration deafness = Duration.between(deafSince, receivedAt);
                detector.discount(deafness, lastHeard);
                deafnessNotes.add(OperatorNote.info("heard no heartbeat from any of " + alive + " hosts for "
                        + gap.toMillis() + " ms (this instance, its consumer or the broker stalled): "
                        + deafness.toMillis() + " ms not counted as any host's silence"));
            }
            deafSince = null;
        }
        if (lastHeard == null || receivedAt.isAfter(lastHeard)) {
            lastHeard = receivedAt;
        }
    }

    /** Judges every host as of {@code now}; returns the transitions taken and any guard change. */
    public Evaluation evaluate(Instant now) {
        if (deafSince != null && Duration.between(lastHeard, now).compareTo(DEAF_LIMIT) > 0) {
            deafSince = null; // deaf too long: judge the silence after all (all silent: the guard holds everything)
            deafnessNotes.add(OperatorNote.warn("heard no heartbeat from any host for " + DEAF_LIMIT.toSeconds()
                    + " s: judging their silence"));
        }
        // Heartbeats arriving late (the pipeline, not the hosts): silence is judged as of that much earlier, up to the
        // limit of a deafness (a pipeline later than that: every host looks silent, the guard holds everything).
        Duration late = deliveryDelay.current(now);
        if (late.compareTo(DEAF_LIMIT) > 0) {
            late = DEAF_LIMIT;
        }
        Instant asOf = now.minus(late);
        List<Verdict> judged = judgeable(detector.evaluate(asOf));
        if (deafSince == null && turnedDeaf(judged, now)) {
            deafSince = lastHeard.plus(MIN_DEAF_GAP);
        }
        // While deaf, hosts are judged as of the moment the stream went quiet: nothing is concluded from the quiet.
        List<Verdict> verdicts = deafSince == null || !deafSince.isBefore(asOf) ? judged
                : judgeable(detector.evaluate(deafSince));
        String lateNote = late.toMillis() < 50 ? null : "heartbeats of all hosts arrive " + late.toMillis()
                + " ms late (median of the last 2 s): silence judged as of " + late.toMillis() + " ms ago";
        alive = (int) verdicts.stream().filter(v -> v.liveness() == Liveness.ALIVE).count();
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
                if (lateNote != null) {
                    evidence = new ArrayList<>(evidence);
                    evidence.add(lateNote);
                }
                if (target == HostState.DOWN) {
                    deadSince.remove(verdict.hostId());
                }
                transitions.add(move(verdict.hostId(), target, List.copyOf(evidence), now, verdict.last().receivedAt()));
            }
        }
        List<OperatorNote> notes = new ArrayList<>(deafnessNotes);
        deafnessNotes.clear();
        check.note().ifPresent(notes::add);
        return new Evaluation(transitions, check, notes);
    }

    /** The verdicts of hosts the detector judges: known, not in maintenance, not already handled. */
    private List<Verdict> judgeable(List<Verdict> verdicts) {
        return verdicts.stream().filter(v -> {
            HostHealth host = hosts.get(v.hostId());
            return host != null && host.state() != HostState.MAINTENANCE && !HANDLED.contains(host.state());
        }).toList();
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
        deliveryDelay.forget(hostId);
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

    /** The outcome of one evaluation, with what operators should read (deafness since the last one, guard changes). */
    public record Evaluation(List<HealthTransition> transitions, MassFailureGuard.Check guard, List<OperatorNote> notes) {
    }
}
