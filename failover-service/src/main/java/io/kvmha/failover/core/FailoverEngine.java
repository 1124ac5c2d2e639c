package io.kvmha.failover.core;

import io.kvmha.contracts.event.CommandResult;
import io.kvmha.contracts.event.EvacuationPlan;
import io.kvmha.contracts.event.HostHealthChange;
import io.kvmha.contracts.event.HostHeartbeat;
import io.kvmha.contracts.event.HostState;
import io.kvmha.contracts.event.Placement;
import java.time.Instant;
import java.time.InstantSource;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The failover service's decisions in one place: every observation (heartbeat, inventory, placement,
 * plan, command result, tick) goes in, {@link Actions} come out. All methods hold one lock, so the
 * detector, host state machine and incidents change together and in a single order, whichever thread
 * (Kafka listener, ticker, REST) calls.
 */
public final class FailoverEngine {

    private final InstantSource clock;
    private final DetectionThresholds thresholds;
    private final HostHealthTracker health;
    private final RecoveryCoordinator recovery;
    private final PlacementLedger placements = new PlacementLedger();
    private final Set<String> knownHosts = new TreeSet<>();

    public FailoverEngine(InstantSource clock, DetectionThresholds thresholds, FailureDetector detector,
                          RecoveryPolicy policy, Supplier<String> ids) {
        this.clock = clock;
        this.thresholds = thresholds;
        this.health = new HostHealthTracker(detector);
        this.recovery = new RecoveryCoordinator(clock, policy, ids);
    }

    /**
     * A heartbeat arrived. Ones sent longer than {@code downAfter} ago are stale (a backlog or a delayed
     * delivery) and must not revive a host. A heartbeat from a SUSPECT or DOWN host brings it back ONLINE.
     */
    public synchronized Actions onHeartbeat(HostHeartbeat heartbeat) {
        Instant now = clock.instant();
        if (heartbeat.sentAt().isBefore(now.minus(thresholds.downAfter()))) {
            return Actions.note(OperatorNote.debug("host=" + heartbeat.hostId() + " stale heartbeat seq "
                    + heartbeat.sequence() + " sent at " + heartbeat.sentAt() + " ignored"));
        }
        HeartbeatObservation observation = new HeartbeatObservation(heartbeat.hostId(), heartbeat.sequence(),
                heartbeat.sentAt(), now, heartbeat.libvirt() == HostHeartbeat.LibvirtConnectivity.CONNECTED);
        Optional<HealthTransition> back = health.heartbeat(observation);
        if (back.isEmpty()) {
            return Actions.NONE;
        }
        HealthTransition transition = back.get();
        Actions.Builder actions = Actions.builder()
                .publish(healthChange(transition, null))
                .note(OperatorNote.info("host=" + transition.hostId() + " " + transition.from() + " -> ONLINE: "
                        + String.join("; ", transition.evidence())));
        if (transition.from() == HostState.DOWN) {
            actions.add(recovery.hostReturned(transition));
        }
        return actions.build();
    }

    /** Judges every host; a host declared DOWN gets an incident (unless the partition guard holds). */
    public synchronized Actions tick() {
        HostHealthTracker.Evaluation evaluation = health.evaluate(clock.instant());
        Actions.Builder actions = Actions.builder();
        evaluation.note().ifPresent(actions::note);
        for (HealthTransition transition : evaluation.transitions()) {
            String evidence = String.join("; ", transition.evidence());
            if (transition.to() == HostState.DOWN) {
                Actions opened = recovery.hostDown(transition, placements.onHost(transition.hostId()));
                String incidentId = recovery.openIncident(transition.hostId()).map(IncidentSnapshot::incidentId).orElse(null);
                actions.publish(healthChange(transition, incidentId))
                        .note(OperatorNote.warn("host=" + transition.hostId() + " incident=" + incidentId + " "
                                + transition.from() + " -> DOWN: " + evidence))
                        .add(opened);
            } else {
                actions.publish(healthChange(transition, null))
                        .note(OperatorNote.info("host=" + transition.hostId() + " " + transition.from() + " -> "
                                + transition.to() + ": " + evidence));
            }
        }
        return actions.build();
    }

    public synchronized Actions onPlan(EvacuationPlan plan) {
        return recovery.planReceived(plan);
    }

    public synchronized Actions onCommandResult(CommandResult result) {
        return recovery.commandResult(result);
    }

    /** A host's inventory; null (a tombstone) means the host was removed and is no longer judged. */
    public synchronized void onInventory(String hostId, boolean present) {
        if (present) {
            knownHosts.add(hostId);
        } else {
            knownHosts.remove(hostId);
            health.forget(hostId);
        }
    }

    /** A VM's latest placement; null (a tombstone) means the VM was deleted. */
    public synchronized void onPlacement(String vmId, Placement placement) {
        if (placement == null) {
            placements.remove(vmId);
        } else {
            placements.put(placement);
        }
    }

    public synchronized List<IncidentSnapshot> incidents() {
        return recovery.incidents();
    }

    public synchronized Optional<IncidentSnapshot> incident(String incidentId) {
        return recovery.incident(incidentId);
    }

    public synchronized Map<String, HostHealth> hosts() {
        return health.all();
    }

    public synchronized Set<String> knownHosts() {
        return Set.copyOf(knownHosts);
    }

    public synchronized List<Placement> placementsOn(String hostId) {
        return placements.onHost(hostId);
    }

    /** Hosts per state; inventory hosts not heard from since start-up are not in any state yet. */
    public synchronized Map<HostState, Integer> hostsByState() {
        Map<HostState, Integer> counts = new EnumMap<>(HostState.class);
        for (HostState state : HostState.values()) {
            counts.put(state, 0);
        }
        health.all().values().forEach(h -> counts.merge(h.state(), 1, Integer::sum));
        return counts;
    }

    /** Known from inventory but no heartbeat since this service started: never declared down. */
    public synchronized int hostsNotYetHeard() {
        Map<String, HostHealth> judged = health.all();
        return (int) knownHosts.stream().filter(h -> !judged.containsKey(h)).count();
    }

    public synchronized boolean partitionSuspected() {
        return health.partitionSuspected();
    }

    private HostHealthChange healthChange(HealthTransition transition, String incidentId) {
        return new HostHealthChange(transition.hostId(), transition.from(), transition.to(), transition.evidence(),
                incidentId, transition.at());
    }
}
