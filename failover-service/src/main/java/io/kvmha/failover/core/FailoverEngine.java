package io.kvmha.failover.core;

import io.kvmha.contracts.event.CommandResult;
import io.kvmha.contracts.event.DomainState;
import io.kvmha.contracts.event.EvacuationPlan;
import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.event.HostHealthChange;
import io.kvmha.contracts.event.HostHeartbeat;
import io.kvmha.contracts.event.HostState;
import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.VmLifecycleEvent;
import io.kvmha.contracts.event.VmSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The failover service's decisions in one place: every observation (heartbeat, inventory, placement,
 * plan, command result, fencing outcome, operator request, tick) goes in, {@link Actions} come out. All
 * methods hold one lock, so the detector, host state machine and incidents change together and in a
 * single order, whichever thread (Kafka listener, ticker, fencing, REST) calls.
 *
 * <p>A host's way down: ONLINE -> SUSPECT -> DOWN (incident opened) -> FENCING -> FENCED (evacuation
 * requested, VMs restarted elsewhere) -> RECOVERING when it heartbeats again (its stale VMs destroyed and
 * undefined) -> ONLINE. Fencing that a BMC refuses ends in DOWN with a critical alert and nothing restarted.
 */
public final class FailoverEngine {

    /** A rejoin command not yet reflected in the host's heartbeats is issued again after this long. */
    static final Duration REJOIN_RETRY = Duration.ofSeconds(5);
    /**
     * Fallback for agents whose heartbeats do not say {@code domainsComplete} (older agents): a rejoining host
     * stays RECOVERING this long, libvirt connected, before it may be ONLINE, because such an agent's first
     * heartbeats can precede its first full domain listing (refreshed every 2 s), and a stale definition must
     * not slip through behind an early, empty list. Agents that say {@code domainsComplete} are not timed.
     */
    static final Duration REJOIN_SETTLE = Duration.ofMillis(2500);

    private final InstantSource clock;
    private final DetectionThresholds thresholds;
    private final FencingPolicy fencing;
    private final HostHealthTracker health;
    private final RecoveryCoordinator recovery;
    private final RecoveryPolicy policy;
    private final Supplier<String> ids;
    private final PlacementLedger placements = new PlacementLedger();
    private final Set<String> knownHosts = new TreeSet<>();
    /** When this instance received its first heartbeat: from then on, a known host's silence is judged. */
    private Instant hearingSince;
    private final Map<String, HostHeartbeat> lastHeartbeats = new HashMap<>();
    private final Map<String, VmSpec> specs = new HashMap<>();
    private final VmCrashRestarter crashes;
    private final DrainOrchestrator drains;
    private final DrainPolicy drainPolicy;
    private final MigrationUris migrationUris = new MigrationUris();
    /** Per rejoining host: vmId -> when its cleanup commands were issued. */
    private final Map<String, Map<String, Instant>> rejoinIssued = new HashMap<>();
    /**
     * Hosts back ONLINE after a silence (or an aborted incident), since when: their HA VMs that are not running are
     * casualties of the outage (power lost, self-fenced) and are started again on them, once the agent lists all.
     */
    private final Map<String, HostReturn> casualtiesDue = new HashMap<>();

    /** A host's return: when, and the generation of every VM placed on it then (later placements are not casualties). */
    private record HostReturn(Instant at, Map<String, Long> placedThen) {
    }
    /** How long after a return casualties are looked for: a VM stopped later is not the outage's doing. */
    static final Duration CASUALTY_WINDOW = Duration.ofMinutes(2);
    /** Casualty starts issued per host and VM, and when: one per {@link #REJOIN_RETRY}. */
    private final Map<String, Map<String, Instant>> casualtyIssued = new HashMap<>();

    public FailoverEngine(InstantSource clock, DetectionThresholds thresholds, FailureDetector detector,
                          RecoveryPolicy policy, Supplier<String> ids) {
        this(clock, thresholds, detector, policy, FencingPolicy.DEFAULT, MassFailurePolicy.DEFAULT, ids);
    }

    public FailoverEngine(InstantSource clock, DetectionThresholds thresholds, FailureDetector detector,
                          RecoveryPolicy policy, FencingPolicy fencing, MassFailurePolicy massFailure, Supplier<String> ids) {
        this(clock, thresholds, detector, policy, fencing, massFailure, CrashRestartPolicy.DEFAULT, ids);
    }

    public FailoverEngine(InstantSource clock, DetectionThresholds thresholds, FailureDetector detector,
                          RecoveryPolicy policy, FencingPolicy fencing, MassFailurePolicy massFailure,
                          CrashRestartPolicy crashRestarts, Supplier<String> ids) {
        this(clock, thresholds, detector, policy, fencing, massFailure, crashRestarts, DrainPolicy.DEFAULT, ids);
    }

    public FailoverEngine(InstantSource clock, DetectionThresholds thresholds, FailureDetector detector,
                          RecoveryPolicy policy, FencingPolicy fencing, MassFailurePolicy massFailure,
                          CrashRestartPolicy crashRestarts, DrainPolicy drainPolicy, Supplier<String> ids) {
        this.drainPolicy = drainPolicy;
        this.drains = new DrainOrchestrator(clock, policy, ids);
        this.clock = clock;
        this.thresholds = thresholds;
        this.fencing = fencing;
        this.policy = policy;
        this.ids = ids;
        this.health = new HostHealthTracker(detector, massFailure);
        this.recovery = new RecoveryCoordinator(clock, policy, ids);
        this.recovery.watchHostsInDoubt(this::bestTierInDoubt);
        this.recovery.watchPlacements(vmId -> placements.get(vmId).map(Placement::generation).orElse(0L));
        this.crashes = new VmCrashRestarter(crashRestarts, policy, ids, recovery::relocate);
    }

    /**
     * A heartbeat arrived. Ones sent longer than {@code downAfter} ago are stale (a backlog or a delayed
     * delivery) and must not revive a host. What it means depends on the host's state: a SUSPECT or DOWN
     * host is back ONLINE; a FENCING host either reports it self-fenced (fenced) or proves alive (the
     * incident is aborted, unless a BMC power-off is in flight); a FENCED host starts its rejoin.
     */
    public synchronized Actions onHeartbeat(HostHeartbeat heartbeat) {
        Instant now = clock.instant();
        String host = heartbeat.hostId();
        if (heartbeat.sentAt().isBefore(now.minus(thresholds.downAfter()))) {
            return Actions.note(OperatorNote.debug("host=" + host + " stale heartbeat seq "
                    + heartbeat.sequence() + " sent at " + heartbeat.sentAt() + " ignored"));
        }
        lastHeartbeats.put(host, heartbeat);
        if (hearingSince == null) {
            hearingSince = now;
        }
        HeartbeatObservation observation = new HeartbeatObservation(host, heartbeat.sequence(),
                heartbeat.sentAt(), now, heartbeat.libvirt() == HostHeartbeat.LibvirtConnectivity.CONNECTED);
        HostState before = health.health(host).map(HostHealth::state).orElse(null);
        Optional<HealthTransition> back = health.heartbeat(observation);
        if (back.isPresent()) {
            HealthTransition transition = back.get();
            Actions.Builder actions = Actions.builder()
                    .publish(healthChange(transition, null))
                    .note(OperatorNote.info("host=" + host + " " + transition.from() + " -> ONLINE: "
                            + String.join("; ", transition.evidence())));
            if (transition.from() == HostState.DOWN) {
                actions.add(recovery.hostReturned(transition));
            }
            casualtiesDue.put(host, returned(host, now));
            return actions.build();
        }
        if (before == null) {
            return Actions.NONE;
        }
        return switch (before) {
            case FENCING -> heartbeatWhileFencing(heartbeat, now);
            case FENCED, RECOVERING -> rejoin(heartbeat, before, now);
            case ONLINE -> Actions.builder().add(removeStaleDefinitions(heartbeat, now))
                    .add(restartCasualties(heartbeat, now)).build();
            default -> Actions.NONE;
        };
    }

    /**
     * Level-triggered clean-up on ONLINE hosts: a definition that is not running, of a VM now placed on another
     * host, is stale (a host that came back before its agent listed everything, a cold move's source) and is
     * undefined, so that nothing can start it there again. Running domains are left alone: a live migration's
     * source runs while the placement already names the target.
     */
    private Actions removeStaleDefinitions(HostHeartbeat heartbeat, Instant now) {
        String host = heartbeat.hostId();
        Actions.Builder actions = Actions.builder();
        List<HostHeartbeat.DomainStatus> stale = staleDomains(heartbeat);
        // Forget clean-ups of domains that are gone, so the record stays as small as what is stale now.
        Map<String, Instant> issued = rejoinIssued.get(host);
        if (issued != null) {
            issued.keySet().retainAll(stale.stream().map(HostHeartbeat.DomainStatus::vmId).toList());
        }
        for (HostHeartbeat.DomainStatus domain : stale) {
            if (domain.state().isActive() || domain.state() == DomainState.CRASHED || !cleanUpDue(host, domain.vmId(), now)) {
                continue;
            }
            actions.publish(command(host, domain.vmId(), HostCommand.Action.UNDEFINE, now))
                    .note(OperatorNote.warn("host=" + host + " vm=" + domain.vmId() + " stale definition (" + domain.state()
                            + ") of a VM placed on " + placedOn(domain) + "; undefining it"));
        }
        return actions.build();
    }

    /**
     * A host back after a silence: every HA VM placed on it at its return (and not placed anew since) that its
     * complete domain list shows defined and stopped died with the outage (power lost and back before fencing,
     * self-fenced during a broker outage) and is started there again, once per {@link #REJOIN_RETRY}, within
     * {@link #CASUALTY_WINDOW} of the return, unless another host shows it running. The agent also refuses the
     * start if the placement moved on meanwhile.
     */
    private Actions restartCasualties(HostHeartbeat heartbeat, Instant now) {
        String host = heartbeat.hostId();
        HostReturn back = casualtiesDue.get(host);
        if (back == null) {
            return Actions.NONE;
        }
        if (now.isAfter(back.at().plus(CASUALTY_WINDOW))) {
            casualtiesDue.remove(host);
            casualtyIssued.remove(host);
            return Actions.NONE;
        }
        if (!Boolean.TRUE.equals(heartbeat.domainsComplete())) {
            return Actions.NONE; // Not everything listed yet.
        }
        Actions.Builder actions = Actions.builder();
        for (HostHeartbeat.DomainStatus domain : heartbeat.domains()) {
            // Only a definition that is there and stopped, of a VM placed here before the return and not since
            // (a new VM or a migration's target may simply not be listed or running yet), and running nowhere else.
            Long then = back.placedThen().get(domain.vmId());
            Placement placement = placements.get(domain.vmId()).orElse(null);
            VmSpec spec = specs.get(domain.vmId());
            if (then == null || placement == null || placement.generation() != then || !placement.hostId().equals(host)
                    || domain.state().isActive() || spec == null || !spec.haPolicy().isProtected()
                    || runningElsewhere(domain.vmId(), host) || !due(casualtyIssued, host, domain.vmId(), now)) {
                continue;
            }
            HostCommand start = new HostCommand(ids.get(), host, domain.vmId(), HostCommand.Action.START, spec,
                    placement.generation(), null, policy.issuedBy(), now, now.plus(policy.commandDeadline()));
            actions.publish(start).note(OperatorNote.warn("host=" + host + " vm=" + domain.vmId() + " command="
                    + start.commandId() + " HA VM " + domain.state() + " after the host's return (died with its outage); "
                    + "START on its host"));
        }
        return actions.build();
    }

    private HostReturn returned(String host, Instant now) {
        Map<String, Long> placed = new HashMap<>();
        placements.onHost(host).forEach(p -> placed.put(p.vmId(), p.generation()));
        return new HostReturn(now, placed);
    }

    /** Whether another host's latest heartbeat shows the VM active. */
    private boolean runningElsewhere(String vmId, String host) {
        for (HostHeartbeat other : lastHeartbeats.values()) {
            if (!other.hostId().equals(host) && other.domains().stream()
                    .anyMatch(d -> d.vmId().equals(vmId) && d.state().isActive())) {
                return true;
            }
        }
        return false;
    }

    /** The heartbeat's domains of VMs now placed on another host. */
    private List<HostHeartbeat.DomainStatus> staleDomains(HostHeartbeat heartbeat) {
        return heartbeat.domains().stream()
                .filter(d -> placements.get(d.vmId()).map(p -> !p.hostId().equals(heartbeat.hostId())).orElse(false))
                .toList();
    }

    private String placedOn(HostHeartbeat.DomainStatus domain) {
        return placements.get(domain.vmId()).map(Placement::hostId).orElse("?");
    }

    /** Whether a clean-up of this stale domain may be issued now: once per {@link #REJOIN_RETRY} until it is gone. */
    private boolean cleanUpDue(String host, String vmId, Instant now) {
        return due(rejoinIssued, host, vmId, now);
    }

    private static boolean due(Map<String, Map<String, Instant>> record, String host, String vmId, Instant now) {
        Map<String, Instant> issued = record.computeIfAbsent(host, h -> new HashMap<>());
        Instant last = issued.get(vmId);
        if (last != null && now.isBefore(last.plus(REJOIN_RETRY))) {
            return false;
        }
        issued.put(vmId, now);
        return true;
    }

    private Actions heartbeatWhileFencing(HostHeartbeat heartbeat, Instant now) {
        String host = heartbeat.hostId();
        Optional<IncidentSnapshot> incident = recovery.openIncident(host);
        if (credibleSelfFence(heartbeat)) {
            return fenced(host, "agent reports self-fenced (heartbeat seq " + heartbeat.sequence() + ")");
        }
        if (incident.isPresent() && incident.get().fencing().startsWith("awaiting self-fence")) {
            // No BMC could power it off and it is heartbeating without having self-fenced: it is alive.
            String why = "heartbeat seq " + heartbeat.sequence() + " received, agent not self-fenced, before the self-fence deadline";
            HealthTransition online = health.move(host, HostState.ONLINE, List.of(why), now);
            casualtiesDue.put(host, returned(host, now));
            return Actions.builder().publish(healthChange(online, incident.get().incidentId()))
                    .add(recovery.aborted(host, why)).build();
        }
        // A BMC power-off is in flight: its outcome decides; the heartbeat is evidence only.
        return Actions.note(OperatorNote.info("host=" + host + " heartbeat seq " + heartbeat.sequence()
                + " received while fencing through the BMC; waiting for the power-off outcome"));
    }

    /** A fenced host is back: remove every domain it still has of a VM placed elsewhere, then it is ONLINE. */
    private Actions rejoin(HostHeartbeat heartbeat, HostState state, Instant now) {
        String host = heartbeat.hostId();
        Actions.Builder actions = Actions.builder();
        List<HostHeartbeat.DomainStatus> stale = staleDomains(heartbeat);
        if (state == HostState.FENCED) {
            HealthTransition recovering = health.move(host, HostState.RECOVERING, List.of("heartbeat seq "
                    + heartbeat.sequence() + " after fencing; " + stale.size() + " stale domains of VMs placed elsewhere"), now);
            actions.publish(healthChange(recovering, null))
                    .note(OperatorNote.info("host=" + host + " FENCED -> RECOVERING: " + recovering.evidence().get(0)));
        }
        if (stale.isEmpty()) {
            Instant recoveringSince = state == HostState.FENCED ? now
                    : health.health(host).map(HostHealth::since).orElse(now);
            boolean complete = heartbeat.domainsComplete() != null
                    ? heartbeat.domainsComplete()
                    : !now.isBefore(recoveringSince.plus(REJOIN_SETTLE));
            if (heartbeat.libvirt() != HostHeartbeat.LibvirtConnectivity.CONNECTED || !complete) {
                return actions.build();
            }
            rejoinIssued.remove(host);
            HealthTransition online = health.move(host, HostState.ONLINE, List.of("rejoined: no domain of a VM placed "
                    + "elsewhere is defined (heartbeat seq " + heartbeat.sequence() + ", "
                    + (heartbeat.domainsComplete() != null ? "complete domain listing"
                    : "no listing flag: after " + REJOIN_SETTLE.toMillis() + " ms settle") + ")"), now);
            return actions.publish(healthChange(online, null))
                    .note(OperatorNote.info("host=" + host + " RECOVERING -> ONLINE: " + online.evidence().get(0)))
                    .build();
        }
        for (HostHeartbeat.DomainStatus domain : stale) {
            if (!cleanUpDue(host, domain.vmId(), now)) {
                continue;
            }
            String elsewhere = placedOn(domain);
            if (domain.state().isActive() || domain.state() == DomainState.CRASHED) {
                actions.publish(command(host, domain.vmId(), HostCommand.Action.DESTROY, now));
            }
            actions.publish(command(host, domain.vmId(), HostCommand.Action.UNDEFINE, now))
                    .note(OperatorNote.warn("host=" + host + " vm=" + domain.vmId() + " rejoin: stale domain ("
                            + domain.state() + ") of a VM now placed on " + elsewhere + "; "
                            + (domain.state().isActive() ? "destroying and " : "") + "undefining it before the host is ONLINE"));
        }
        return actions.build();
    }

    private HostCommand command(String host, String vmId, HostCommand.Action action, Instant now) {
        return new HostCommand(ids.get(), host, vmId, action, null, 0, null, policy.issuedBy(), now,
                now.plus(policy.commandDeadline()));
    }

    /**
     * Judges every host: a host declared DOWN gets an incident and is fenced (unless the mass-failure guard
     * holds it); a host whose self-fence deadline passed counts as fenced.
     */
    public synchronized Actions tick() {
        Instant now = clock.instant();
        if (hearingSince != null) {
            // A host known from its inventory but never heard by this instance (dead, or cut off, since before it
            // started) is judged from when this instance began to hear the cluster: silence there is evidence too.
            for (String host : knownHosts) {
                health.expect(host, hearingSince);
            }
        }
        HostHealthTracker.Evaluation evaluation = health.evaluate(now);
        Actions.Builder actions = Actions.builder();
        evaluation.notes().forEach(actions::note);
        switch (evaluation.guard().change()) {
            case ENGAGED -> actions.publish(FailoverAlerts.massFailure(true, evaluation.guard().why(), now, now));
            case ENDED -> actions.publish(FailoverAlerts.massFailure(false, evaluation.guard().why(), now, now));
            case NONE -> { }
        }
        for (HealthTransition transition : evaluation.transitions()) {
            String evidence = String.join("; ", transition.evidence());
            if (transition.to() == HostState.DOWN) {
                Actions opened = recovery.hostDown(transition, placements.onHost(transition.hostId()));
                String incidentId = recovery.openIncident(transition.hostId()).map(IncidentSnapshot::incidentId).orElse(null);
                actions.publish(healthChange(transition, incidentId))
                        .note(OperatorNote.warn("host=" + transition.hostId() + " incident=" + incidentId + " "
                                + transition.from() + " -> DOWN: " + evidence))
                        .add(opened)
                        .add(startFencing(transition, incidentId, now));
            } else {
                actions.publish(healthChange(transition, null))
                        .note(OperatorNote.info("host=" + transition.hostId() + " " + transition.from() + " -> "
                                + transition.to() + ": " + evidence));
            }
        }
        actions.add(drains.tick(now, migrationUris::of, specs::get, this::generation)).add(recovery.tick(now));
        for (String host : recovery.selfFenceDue(now)) {
            actions.add(fenced(host, "self-fence deadline passed: no heartbeat for "
                    + HeartbeatFailureDetector.seconds(Duration.between(lastHeartbeatAt(host, now), now))
                    + " (agents self-fence after " + fencing.selfFenceTimeout().toSeconds() + " s, margin "
                    + fencing.safetyMargin().toMillis() + " ms)"));
        }
        return actions.build();
    }

    /**
     * Whether a heartbeat's self-fence claim holds: the flag stays up for a while after the host is back, and an HA VM
     * started there again meanwhile (its casualties restarted) would make a stale claim fatal. The same heartbeat's
     * domain list decides: no HA-protected domain may be active.
     */
    private boolean credibleSelfFence(HostHeartbeat heartbeat) {
        return heartbeat.selfFenced() && heartbeat.domains().stream().filter(d -> d.state().isActive())
                .noneMatch(d -> Optional.ofNullable(specs.get(d.vmId())).map(s -> s.haPolicy().isProtected()).orElse(true));
    }

    /** Evidence fusion before fencing: the silence, and what the agent last said about itself. */
    private Actions startFencing(HealthTransition down, String incidentId, Instant now) {
        String host = down.hostId();
        List<String> evidence = new ArrayList<>(down.evidence());
        HostHeartbeat last = lastHeartbeats.get(host);
        if (last != null) {
            evidence.add("last heartbeat seq " + last.sequence() + ": libvirt " + last.libvirt()
                    + ", self-fenced " + last.selfFenced() + ", " + last.domains().stream()
                    .filter(d -> d.state().isActive()).count() + " active domains");
        }
        HealthTransition fencingState = health.move(host, HostState.FENCING, evidence, now);
        Actions.Builder actions = Actions.builder()
                .publish(healthChange(fencingState, incidentId))
                .add(recovery.fencingStarted(host, evidence));
        if (last != null && credibleSelfFence(last)) {
            return actions.add(fenced(host, "agent reported self-fenced in its last heartbeat (seq " + last.sequence() + ")"))
                    .build();
        }
        return actions.note(OperatorNote.warn("host=" + host + " incident=" + incidentId + " DOWN -> FENCING: "
                        + String.join("; ", evidence)))
                .fence(new FenceRequest(host, incidentId, down.lastHeartbeatAt(), evidence))
                .build();
    }

    /**
     * Resumes the open incidents a crashed instance recorded (the latest record of each incident, read from
     * the recoveries topic before this instance acts on anything).
     */
    public synchronized Actions resume(List<io.kvmha.contracts.event.RecoveryRecord> latest) {
        Instant now = clock.instant();
        Actions.Builder actions = Actions.builder();
        for (io.kvmha.contracts.event.RecoveryRecord record : latest) {
            RecoveryCoordinator.Resumed resumed = recovery.adopt(record, specs::get);
            actions.add(resumed.actions());
            if (resumed.actions().isEmpty()) {
                continue;
            }
            String host = record.hostId();
            if (resumed.mustFence()) {
                List<String> evidence = List.of("resumed incident " + record.incidentId() + ": fencing again ("
                        + record.fencing() + " when the previous instance stopped)");
                HealthTransition fencingState = health.adopt(host, HostState.FENCING, evidence, now);
                Instant lastHeartbeat = record.lastHeartbeatAt() == null ? now : record.lastHeartbeatAt();
                actions.publish(healthChange(fencingState, record.incidentId()))
                        .fence(new FenceRequest(host, record.incidentId(), lastHeartbeat, evidence));
            } else {
                health.adopt(host, HostState.FENCED, List.of("resumed incident " + record.incidentId() + ": " + record.fencing()), now);
            }
        }
        return actions.build();
    }

    /** The fencing drivers concluded. */
    public synchronized Actions onFenceOutcome(FenceOutcome outcome) {
        String host = outcome.hostId();
        Optional<IncidentSnapshot> incident = recovery.openIncident(host);
        HostState state = health.health(host).map(HostHealth::state).orElse(null);
        if (incident.isEmpty() || !incident.get().incidentId().equals(outcome.incidentId()) || state != HostState.FENCING) {
            return Actions.note(OperatorNote.info("host=" + host + " incident=" + outcome.incidentId()
                    + " fencing outcome " + outcome.summary() + " arrived after the incident moved on (state " + state + ")"));
        }
        Instant now = clock.instant();
        return switch (outcome.result()) {
            case POWERED_OFF -> recovery.fencingEvidence(host, "fence-attempts", outcome.summary())
                    .then(fenced(host, outcome.method() + ": chassis power confirmed off ("
                            + String.join("; ", outcome.attempts()) + ")"));
            case REFUSED -> {
                String why = outcome.summary();
                HealthTransition down = health.move(host, HostState.DOWN, List.of("fencing failed: " + why), now);
                yield Actions.builder().publish(healthChange(down, outcome.incidentId()))
                        .add(recovery.fencingFailed(host, why))
                        .publish(FailoverAlerts.fencingFailed(host, outcome.incidentId(), why, now))
                        .build();
            }
            case NO_CONFIRMATION -> {
                Instant deadline = lastHeartbeatAt(host, now).plus(fencing.selfFenceWait());
                Actions waiting = recovery.awaitSelfFence(host, deadline, outcome.summary());
                yield now.isBefore(deadline) ? waiting : waiting.then(fenced(host, "self-fence deadline " + deadline
                        + " already passed: no heartbeat since " + lastHeartbeatAt(host, now)));
            }
        };
    }

    private Actions fenced(String host, String how) {
        Optional<IncidentSnapshot> incident = recovery.openIncident(host);
        if (health.health(host).map(HostHealth::state).orElse(null) != HostState.FENCING) {
            return Actions.NONE;
        }
        HealthTransition fenced = health.move(host, HostState.FENCED, List.of(how), clock.instant());
        return Actions.builder().publish(healthChange(fenced, incident.map(IncidentSnapshot::incidentId).orElse(null)))
                .note(OperatorNote.warn("host=" + host + " incident=" + incident.map(IncidentSnapshot::incidentId).orElse(null)
                        + " FENCING -> FENCED: " + how))
                .add(recovery.fenced(host, how))
                .build();
    }

    private Instant lastHeartbeatAt(String host, Instant fallback) {
        return health.lastHeartbeat(host).map(HeartbeatObservation::receivedAt)
                .or(() -> recovery.openIncident(host).map(IncidentSnapshot::lastHeartbeatAt))
                .orElse(fallback);
    }

    /**
     * Maintenance on: the host's silence is not judged and it is never fenced. Off: ONLINE again, and
     * judged from now on (re-armed). Refused for a host in an incident or not yet heard.
     */
    public synchronized Actions maintenance(String hostId, boolean on, String reason) {
        HostHealth current = health.health(hostId).orElseThrow(() -> new IllegalArgumentException(
                "host " + hostId + " has not heartbeated since this service started"));
        Instant now = clock.instant();
        String why = (on ? "maintenance started" : "maintenance ended") + (reason == null || reason.isBlank() ? "" : ": " + reason);
        if (on == (current.state() == HostState.MAINTENANCE)) {
            return Actions.NONE;
        }
        if (!HostLifecycle.allows(current.state(), on ? HostState.MAINTENANCE : HostState.ONLINE)) {
            throw new IllegalStateException("host " + hostId + " is " + current.state() + "; maintenance "
                    + (on ? "starts only from ONLINE or SUSPECT" : "is not on"));
        }
        if (!on) {
            health.rearm(hostId, now);
        }
        HealthTransition transition = health.move(hostId, on ? HostState.MAINTENANCE : HostState.ONLINE, List.of(why), now);
        return Actions.builder().publish(healthChange(transition, null))
                .note(OperatorNote.info("host=" + hostId + " " + transition.from() + " -> " + transition.to() + ": " + why
                        + (on ? " (fencing paused)" : " (fencing re-armed)")))
                .build();
    }

    /**
     * An operator fences a host: it is declared DOWN on the operator's word, an incident opens, and the host is
     * fenced through its drivers (then its VMs are recovered elsewhere, as for any failure). A host this service
     * believes alive (ONLINE, SUSPECT, MAINTENANCE) is fenced only with {@code force}; a host already fencing,
     * fenced or rejoining never (IllegalStateException); an unknown host: IllegalArgumentException.
     */
    public synchronized OperatorFence fence(String hostId, boolean force, String reason, String operator) {
        HostState state = health.health(hostId).map(HostHealth::state).orElse(null);
        if (state == null && !knownHosts.contains(hostId)) {
            throw new IllegalArgumentException("host " + hostId + " is unknown to this failover instance");
        }
        String incidentId = recovery.openIncident(hostId).map(IncidentSnapshot::incidentId).orElse(null);
        if (state == HostState.FENCING || state == HostState.FENCED || state == HostState.RECOVERING) {
            throw new IllegalStateException("host " + hostId + " is " + state
                    + (incidentId == null ? "" : " (incident " + incidentId + ")") + "; it is not fenced again");
        }
        boolean alive = state == HostState.ONLINE || state == HostState.SUSPECT || state == HostState.MAINTENANCE;
        if (alive && !force) {
            throw new IllegalStateException("host " + hostId + " is " + state + ": it looks alive; fence it with force=true "
                    + "if you know it must go");
        }
        Instant now = clock.instant();
        String who = operator == null || operator.isBlank() ? "an operator" : operator;
        String why = "fenced on request of " + who + (force ? " (force)" : "") + ", host was " + (state == null ? "not heard since start-up" : state)
                + (reason == null || reason.isBlank() ? "" : ": " + reason);
        Instant lastHeartbeat = lastHeartbeatAt(hostId, now);
        HealthTransition down;
        if (state == null) {
            down = health.adopt(hostId, HostState.DOWN, List.of(why), now);
        } else if (state == HostState.DOWN) {
            down = new HealthTransition(hostId, HostState.DOWN, HostState.DOWN, List.of(why), now, lastHeartbeat);
        } else {
            down = health.move(hostId, HostState.DOWN, List.of(why), now);
        }
        Actions opened = recovery.hostDown(down, placements.onHost(hostId), false);
        String incidentIdOpened = recovery.openIncident(hostId).map(IncidentSnapshot::incidentId).orElseThrow();
        Actions.Builder actions = Actions.builder();
        if (state != HostState.DOWN) {
            actions.publish(healthChange(down, incidentIdOpened));
        }
        actions.note(OperatorNote.warn("host=" + hostId + " incident=" + incidentIdOpened + " operator fence: " + why))
                .add(opened)
                .add(recovery.fencingEvidence(hostId, "operator-fence", "operator=" + who + " force=" + force
                        + " reason=" + (reason == null ? "" : reason) + " state-before=" + state))
                .add(startFencing(down, incidentIdOpened, now));
        return new OperatorFence(incidentIdOpened, actions.build());
    }

    /** The incident an operator's fence opened, and what it decided. */
    public record OperatorFence(String incidentId, Actions actions) {
    }

    /** An operator releases one host held by the mass-failure guard: it may now be declared down and fenced. */
    public synchronized Actions releaseFromGuard(String hostId, String operator) {
        MassFailureGuard guard = health.guard();
        if (!guard.engaged()) {
            throw new IllegalStateException("the mass-failure guard is not engaged");
        }
        if (!guard.release(hostId)) {
            return Actions.NONE;
        }
        return Actions.note(OperatorNote.warn("host=" + hostId + " released from the mass-failure guard by "
                + (operator == null ? "an operator" : operator) + "; it will be declared down and fenced if still silent"));
    }

    public synchronized GuardStatus guardStatus() {
        MassFailureGuard guard = health.guard();
        return new GuardStatus(guard.engaged(), guard.engagedSince().orElse(null), guard.silentAtEngage(), guard.released());
    }

    /** The mass-failure guard as an operator sees it. */
    public record GuardStatus(boolean engaged, Instant since, Set<String> silentHosts, Set<String> released) {
    }

    public synchronized Actions onPlan(EvacuationPlan plan) {
        return recovery.planReceived(plan);
    }

    public synchronized Actions onCommandResult(CommandResult result) {
        if (drains.owns(result.incidentId())) {
            return drains.onResult(result, migrationUris::of, specs::get, this::generation);
        }
        return recovery.commandResult(result);
    }

    /**
     * Drains a host by live migration to the targets given (the scheduler's drain plan): the host goes to
     * MAINTENANCE first (fencing paused), then MIGRATE commands follow, {@code parallelism} at a time.
     */
    public synchronized DrainStarted drain(DrainRequest request) {
        HostState state = health.health(request.hostId()).map(HostHealth::state).orElseThrow(() ->
                new IllegalArgumentException("host " + request.hostId() + " has not heartbeated since this service started"));
        if (drains.draining(request.hostId())) {
            throw new IllegalStateException("host " + request.hostId() + " is already being drained");
        }
        Actions.Builder actions = Actions.builder();
        if (state != HostState.MAINTENANCE) {
            actions.add(maintenance(request.hostId(), true, "drain" + (request.reason() == null ? "" : ": " + request.reason())));
        }
        DrainOrchestrator.Started started = drains.start(request, migrationUris::of, specs::get, this::generation);
        return new DrainStarted(started.drainId(), actions.add(started.actions()).build());
    }

    /** A drain's id and what starting it decided. */
    public record DrainStarted(String drainId, Actions actions) {
    }

    public synchronized List<DrainOrchestrator.DrainView> drains() {
        return drains.views(null, null);
    }

    /** Drains and migrations, newest first, of a source host and/or moving a VM (null: any). */
    public synchronized List<DrainOrchestrator.DrainView> drains(String hostId, String vmId) {
        return drains.views(hostId, vmId);
    }

    public synchronized Optional<DrainOrchestrator.DrainView> drain(String drainId) {
        return drains.view(drainId);
    }

    private Long generation(String vmId) {
        return placements.get(vmId).map(Placement::generation).orElse(null);
    }

    /** A host's inventory, with the libvirt URI migrations to it use ({@link MigrationUris}). */
    public synchronized void onInventory(io.kvmha.contracts.event.HostInventory inventory) {
        onInventory(inventory.hostId(), true);
        migrationUris.inventory(inventory.hostId(), inventory.migrationUri(), inventory.libvirtUri());
    }

    /** A host's inventory; null (a tombstone) means the host was removed and is no longer judged. */
    public synchronized void onInventory(String hostId, boolean present) {
        if (present) {
            knownHosts.add(hostId);
        } else {
            knownHosts.remove(hostId);
            migrationUris.inventory(hostId, null, null);
            health.forget(hostId);
            lastHeartbeats.remove(hostId);
        }
    }

    /** A VM's spec (its HA policy, tier); null (a tombstone) means the VM was deleted. */
    public synchronized void onSpec(String vmId, VmSpec spec) {
        if (spec == null) {
            specs.remove(vmId);
        } else {
            specs.put(vmId, spec);
        }
    }

    /**
     * The best tier (as {@link io.kvmha.contracts.event.Tier#ordinal()}) of the HA VMs on hosts that turned SUSPECT
     * after {@code since}: they may be about to need recovery, so worse tiers elsewhere wait. MAX_VALUE: none.
     */
    private int bestTierInDoubt(Instant since) {
        int best = Integer.MAX_VALUE;
        for (String host : health.suspectSince(since)) {
            for (Placement placement : placements.onHost(host)) {
                VmSpec spec = specs.get(placement.vmId());
                if (spec != null && spec.haPolicy().isProtected() && spec.tier() != null) {
                    best = Math.min(best, spec.tier().ordinal());
                }
            }
        }
        return best;
    }

    /** A libvirt lifecycle event: a crashed HA VM is restarted on its host (VM-level HA). */
    public synchronized Actions onVmEvent(VmLifecycleEvent event) {
        HostState state = health.health(event.hostId()).map(HostHealth::state).orElse(null);
        return crashes.onEvent(event, specs.get(event.vmId()), placements.get(event.vmId()).orElse(null), state,
                clock.instant());
    }

    /**
     * A VM's latest placement; null (a tombstone) means the VM was deleted. A new move placement of the
     * scheduler (a drain or a migration) is carried out: the VM is live-migrated from the host it runs on,
     * as the heartbeats show it, to the placement's host. A drain puts its host in MAINTENANCE first.
     */
    public synchronized Actions onPlacement(String vmId, Placement placement) {
        Optional<Placement> previous = placements.get(vmId);
        if (placement == null) {
            placements.remove(vmId);
            return Actions.NONE;
        }
        placements.put(placement);
        Optional<DrainRequest.Kind> kind = MovePlacements.kind(placement);
        if (kind.isEmpty() || previous.map(p -> p.generation() >= placement.generation()).orElse(false)) {
            return Actions.NONE; // not a move, or a replay of a placement already seen
        }
        String ids = "vm=" + vmId + " generation=" + placement.generation();
        Instant now = clock.instant();
        if (previous.isEmpty() || placement.placedAt().plus(drainPolicy.deadline()).isBefore(now)) {
            return Actions.note(OperatorNote.info(ids + " move placement to " + placement.hostId() + " ("
                    + placement.reason() + ") read on start-up: not acted on (moves are not resumed across restarts)"));
        }
        DrainOrchestrator.Whereabouts where = DrainOrchestrator.Whereabouts.of(vmId, placement.hostId(),
                previous.get().hostId(), lastHeartbeats.values());
        String drainHost = kind.get() == DrainRequest.Kind.DRAIN ? previous.get().hostId() : where.sourceHostId();
        Actions.Builder actions = Actions.builder();
        HostState drainHostState = health.health(drainHost).map(HostHealth::state).orElse(null);
        if (kind.get() == DrainRequest.Kind.DRAIN
                && (drainHostState == HostState.ONLINE || drainHostState == HostState.SUSPECT)) {
            actions.add(maintenance(drainHost, true, placement.reason()));
        }
        DrainRequest.Move move = new DrainRequest.Move(vmId, placement.hostId(), DrainRequest.Move.fallbackFor(specs.get(vmId)));
        return actions.add(drains.addMove(kind.get(), drainHost, move, where, drainPolicy, placement.reason(),
                migrationUris::of, specs::get, this::generation)).build();
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

    /** A host's transitions, oldest first. */
    public synchronized List<HealthTransition> history(String hostId) {
        return health.history(hostId);
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
    /** Hosts known from their inventory that this instance has not had a heartbeat from. */
    public synchronized int hostsNotYetHeard() {
        return (int) knownHosts.stream().filter(h -> !lastHeartbeats.containsKey(h)).count();
    }

    public synchronized boolean partitionSuspected() {
        return health.partitionSuspected();
    }

    private HostHealthChange healthChange(HealthTransition transition, String incidentId) {
        return new HostHealthChange(transition.hostId(), transition.from(), transition.to(), transition.evidence(),
                incidentId, transition.at());
    }
}
