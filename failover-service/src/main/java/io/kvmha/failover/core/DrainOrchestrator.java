package io.kvmha.failover.core;

import io.kvmha.contracts.event.CommandResult;
import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.event.HostHeartbeat;
import io.kvmha.contracts.event.VmSpec;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Live-migration orchestration of drains: MIGRATE commands to the source host, at most the drain's
 * parallelism in flight, progress from IN_PROGRESS results, a deadline, and per VM a fallback when its
 * migration fails: ABORT (it stays) or COLD_RESTART (SHUTDOWN on the source; only once that succeeded,
 * DEFINE_AND_START on the target, so it never runs on both). Commands carry the drain id as incident id,
 * which routes their results here. Not thread-safe (the engine's lock).
 */
public final class DrainOrchestrator {

    /**
     * PENDING (waiting for a slot), MIGRATING, MIGRATED; SHUTTING_DOWN, RESTARTING, RESTARTED (cold-restart
     * fallback); ABORTED (not moved, still on the source); FAILED (the fallback failed too); NOT_RUNNING (the VM
     * runs nowhere: only its placement moved).
     */
    public enum MoveStatus {
        PENDING, MIGRATING, MIGRATED, SHUTTING_DOWN, RESTARTING, RESTARTED, ABORTED, FAILED, NOT_RUNNING;

        boolean settled() {
            return this == MIGRATED || this == RESTARTED || this == ABORTED || this == FAILED || this == NOT_RUNNING;
        }

        boolean inFlight() {
            return this == MIGRATING || this == SHUTTING_DOWN || this == RESTARTING;
        }
    }

    /** One VM of a drain, as the REST API shows it. */
    public record MoveView(String vmId, String sourceHostId, String targetHostId, DrainRequest.Fallback fallback,
                           MoveStatus status, Integer progressPercent, String commandId, String detail) {
    }

    /** A drain as the REST API shows it. */
    public record DrainView(String drainId, DrainRequest.Kind kind, String hostId, String reason, Instant startedAt,
                            Instant deadline, int parallelism, boolean done, List<MoveView> moves) {
    }

    private static final class Move {
        final DrainRequest.Move request;
        final String source;
        MoveStatus status = MoveStatus.PENDING;
        Integer progress;
        /** When its command was issued or last reported on. */
        Instant heardAt;
        String commandId;
        String detail;

        Move(DrainRequest.Move request, String source) {
            this.request = request;
            this.source = source;
        }

        MoveView view() {
            return new MoveView(request.vmId(), source, request.targetHostId(), request.fallback(), status, progress,
                    commandId, detail);
        }
    }

    /**
     * Where a VM to move is, as the heartbeats show it.
     *
     * @param sourceHostId the host it runs on (or, unknown, the host it was placed on before)
     * @param notMoving    null, or why the move is settled at once: already on the target, or not running
     * @param status       the settled status when {@code notMoving} is set
     */
    record Whereabouts(String sourceHostId, MoveStatus status, String notMoving) {
        static Whereabouts on(String host) {
            return new Whereabouts(host, MoveStatus.PENDING, null);
        }

        /**
         * Where a VM to move runs, by the latest heartbeat of every host: already on the target, running on a
         * host, defined but running nowhere, or not listed at all (then the host it was placed on before).
         */
        static Whereabouts of(String vmId, String target, String placedBefore,
                              java.util.Collection<HostHeartbeat> heartbeats) {
            String active = null;
            boolean defined = false;
            for (HostHeartbeat heartbeat : heartbeats) {
                for (HostHeartbeat.DomainStatus domain : heartbeat.domains()) {
                    if (domain.vmId().equals(vmId)) {
                        defined = true;
                        if (domain.state().isActive()) {
                            active = heartbeat.hostId();
                        }
                    }
                }
            }
            if (target.equals(active)) {
                return new Whereabouts(active, MoveStatus.MIGRATED, "already running on " + target);
            }
            if (active != null) {
                return on(active);
            }
            if (defined) {
                return new Whereabouts(placedBefore, MoveStatus.NOT_RUNNING,
                        "not running on any host (defined, inactive): only its placement moved");
            }
            return on(placedBefore);
        }
    }

    private static final class Drain {
        final String id;
        final DrainRequest request;
        final Instant startedAt;
        final Map<String, Move> moves = new LinkedHashMap<>();
        boolean done;

        Drain(String id, DrainRequest request, Instant startedAt) {
            this.id = id;
            this.request = request;
            this.startedAt = startedAt;
            request.moves().forEach(m -> moves.put(m.vmId(), new Move(m, request.hostId())));
        }

        DrainView view() {
            return new DrainView(id, request.kind(), request.hostId(), request.reason(), startedAt,
                    startedAt.plus(request.deadline()), request.parallelism(), done,
                    moves.values().stream().map(Move::view).toList());
        }

        boolean moving(String vmId) {
            Move move = moves.get(vmId);
            return !done && move != null && !move.status.settled();
        }
    }

    private final InstantSource clock;
    private final RecoveryPolicy policy;
    private final Supplier<String> ids;
    private final Map<String, Drain> drains = new LinkedHashMap<>();
    /** Finished drains kept for the REST API. */
    static final int RETAINED_DRAINS = 200;

    DrainOrchestrator(InstantSource clock, RecoveryPolicy policy, Supplier<String> ids) {
        this.clock = clock;
        this.policy = policy;
        this.ids = ids;
    }

    /** Starts a drain (the host is already in MAINTENANCE); returns its id and the first commands. */
    Started start(DrainRequest request, Function<String, String> libvirtUris, Function<String, VmSpec> specs,
                  Function<String, Long> generations) {
        if (drains.values().stream().anyMatch(d -> !d.done && d.request.hostId().equals(request.hostId()))) {
            throw new IllegalStateException("host " + request.hostId() + " is already being drained");
        }
        Drain drain = new Drain(ids.get(), request, clock.instant());
        drains.put(drain.id, drain);
        evictOldFinished();
        Actions.Builder actions = Actions.builder().note(OperatorNote.info("host=" + request.hostId() + " drain="
                + drain.id + " started: " + request.moves().size() + " VMs, parallelism " + request.parallelism()
                + ", deadline " + request.deadline().toSeconds() + " s" + (request.reason() == null ? "" : " (" + request.reason() + ")")));
        issue(drain, libvirtUris, specs, generations, actions);
        return new Started(drain.id, actions.build());
    }

    record Started(String drainId, Actions actions) {
    }

    /**
     * One move the scheduler published (a move placement): joins the open drain of the same kind and host (a
     * drain's placements arrive one by one), or starts a new drain. A VM already moving is left to its move.
     */
    Actions addMove(DrainRequest.Kind kind, String hostId, DrainRequest.Move request, Whereabouts where,
                    DrainPolicy policy, String reason, Function<String, String> libvirtUris,
                    Function<String, VmSpec> specs, Function<String, Long> generations) {
        String ids = "host=" + where.sourceHostId() + " vm=" + request.vmId();
        Optional<Drain> moving = drains.values().stream().filter(d -> d.moving(request.vmId())).findFirst();
        if (moving.isPresent()) {
            return Actions.note(OperatorNote.info(ids + " drain=" + moving.get().id + " move to " + request.targetHostId()
                    + " published while its move to " + moving.get().moves.get(request.vmId()).request.targetHostId()
                    + " is in progress; the move in progress continues"));
        }
        Drain drain = kind == DrainRequest.Kind.DRAIN ? drains.values().stream()
                .filter(d -> !d.done && d.request.kind() == kind && d.request.hostId().equals(hostId))
                .findFirst().orElse(null) : null;
        Actions.Builder actions = Actions.builder();
        if (drain == null) {
            drain = new Drain(ids(), new DrainRequest(hostId, List.of(request), policy.parallelism(), policy.deadline(),
                    reason, kind), clock.instant());
            drains.put(drain.id, drain);
            evictOldFinished();
            actions.note(OperatorNote.info("host=" + hostId + " drain=" + drain.id + " " + kind + " started from the "
                    + "scheduler's placements: parallelism " + policy.parallelism() + ", deadline "
                    + policy.deadline().toSeconds() + " s (" + reason + ")"));
        } else {
            drain.moves.put(request.vmId(), new Move(request, where.sourceHostId()));
        }
        Move move = drain.moves.get(request.vmId());
        if (!move.source.equals(where.sourceHostId())) {
            drain.moves.put(request.vmId(), move = new Move(request, where.sourceHostId()));
        }
        if (where.notMoving() != null) {
            move.status = where.status();
            move.detail = where.notMoving();
            actions.note(OperatorNote.info(ids + " drain=" + drain.id + " not migrated: " + where.notMoving()));
        }
        issue(drain, libvirtUris, specs, generations, actions);
        return actions.build();
    }

    boolean draining(String hostId) {
        return drains.values().stream().anyMatch(d -> !d.done && d.request.hostId().equals(hostId));
    }

    boolean owns(String drainId) {
        return drainId != null && drains.containsKey(drainId);
    }

    Actions onResult(CommandResult result, Function<String, String> libvirtUris, Function<String, VmSpec> specs,
                     Function<String, Long> generations) {
        Drain drain = drains.get(result.incidentId());
        Optional<Move> found = drain.moves.values().stream().filter(m -> result.commandId().equals(m.commandId)).findFirst();
        if (found.isEmpty()) {
            return Actions.NONE;
        }
        Move move = found.get();
        move.heardAt = clock.instant();
        String ids = "host=" + result.hostId() + " vm=" + move.request.vmId() + " drain=" + drain.id + " command=" + result.commandId();
        Actions.Builder actions = Actions.builder();
        String error = result.error() == null ? result.outcome().name() : result.outcome() + ": " + result.error();
        switch (move.status) {
            case MIGRATING -> {
                if (result.outcome() == CommandResult.Outcome.IN_PROGRESS) {
                    move.progress = result.progressPercent();
                    return Actions.NONE;
                }
                if (result.outcome() == CommandResult.Outcome.SUCCEEDED) {
                    move.status = MoveStatus.MIGRATED;
                    move.progress = 100;
                    move.detail = "live-migrated to " + move.request.targetHostId();
                    actions.note(OperatorNote.info(ids + " migrated to " + move.request.targetHostId()));
                } else if (move.request.fallback() == DrainRequest.Fallback.COLD_RESTART) {
                    move.status = MoveStatus.SHUTTING_DOWN;
                    move.commandId = ids();
                    move.heardAt = clock.instant();
                    move.detail = "migration " + error + "; cold restart: shutting down on " + move.source;
                    actions.publish(command(move.commandId, move.source, move.request.vmId(),
                                    HostCommand.Action.SHUTDOWN, null, 0, drain.id, null))
                            .note(OperatorNote.warn(ids + " migration failed (" + error + "); cold restart: SHUTDOWN first"));
                } else {
                    move.status = MoveStatus.ABORTED;
                    move.detail = "migration " + error + "; left running on " + move.source;
                    actions.note(OperatorNote.warn(ids + " migration failed (" + error + "); aborted, VM stays on the source"));
                }
            }
            case SHUTTING_DOWN -> {
                if (!result.isFinal()) {
                    return Actions.NONE;
                }
                if (result.outcome() != CommandResult.Outcome.SUCCEEDED) {
                    move.status = MoveStatus.FAILED;
                    move.detail = "shutdown for cold restart " + error + "; VM state on the source unknown";
                    actions.note(OperatorNote.warn(ids + " " + move.detail));
                } else {
                    VmSpec spec = specs.apply(move.request.vmId());
                    if (spec == null) {
                        move.status = MoveStatus.FAILED;
                        move.detail = "stopped on the source; spec unknown, not started on " + move.request.targetHostId();
                        actions.note(OperatorNote.warn(ids + " " + move.detail));
                    } else {
                        move.status = MoveStatus.RESTARTING;
                        move.commandId = ids();
                        move.heardAt = clock.instant();
                        Long generation = generations.apply(move.request.vmId());
                        actions.publish(command(move.commandId, move.request.targetHostId(), move.request.vmId(),
                                HostCommand.Action.DEFINE_AND_START, spec, generation == null ? 0 : generation, drain.id, null))
                                .note(OperatorNote.info(ids + " stopped on the source; starting on " + move.request.targetHostId()));
                    }
                }
            }
            case RESTARTING -> {
                if (!result.isFinal()) {
                    return Actions.NONE;
                }
                move.status = result.outcome() == CommandResult.Outcome.SUCCEEDED ? MoveStatus.RESTARTED : MoveStatus.FAILED;
                move.detail = result.outcome() == CommandResult.Outcome.SUCCEEDED
                        ? "cold-restarted on " + move.request.targetHostId() : "start on the target " + error;
                actions.note(move.status == MoveStatus.RESTARTED ? OperatorNote.info(ids + " " + move.detail)
                        : OperatorNote.warn(ids + " " + move.detail));
            }
            default -> {
                return Actions.NONE;
            }
        }
        issue(drain, libvirtUris, specs, generations, actions);
        return actions.build();
    }

    /**
     * A move whose command has not been heard of (no result, no progress) for {@link RecoveryPolicy#startTimeout()}
     * is FAILED (its agent is gone: where the VM is, the heartbeats tell). Past the deadline, moves not yet started
     * are not started.
     */
    Actions tick(Instant now, Function<String, String> libvirtUris, Function<String, VmSpec> specs,
                 Function<String, Long> generations) {
        Actions.Builder actions = Actions.builder();
        for (Drain drain : drains.values()) {
            if (drain.done) {
                continue;
            }
            boolean timedOut = false;
            for (Move move : drain.moves.values()) {
                if (move.status.inFlight() && move.heardAt != null && !now.isBefore(move.heardAt.plus(policy.startTimeout()))) {
                    move.detail = move.status + ": no word of command " + move.commandId + " for "
                            + policy.startTimeout().toSeconds() + " s; where the VM runs, the heartbeats tell";
                    move.status = MoveStatus.FAILED;
                    timedOut = true;
                    actions.note(OperatorNote.warn("host=" + move.source + " vm=" + move.request.vmId() + " drain="
                            + drain.id + " command=" + move.commandId + " " + move.detail));
                }
            }
            if (now.isBefore(drain.startedAt.plus(drain.request.deadline()))) {
                if (timedOut) {
                    issue(drain, libvirtUris, specs, generations, actions); // slots freed
                }
                continue;
            }
            for (Move move : drain.moves.values()) {
                if (move.status == MoveStatus.PENDING) {
                    move.status = MoveStatus.ABORTED;
                    move.detail = "drain deadline passed before its migration started";
                }
            }
            finishIfSettled(drain, actions);
        }
        return actions.build();
    }

    private void issue(Drain drain, Function<String, String> libvirtUris, Function<String, VmSpec> specs,
                       Function<String, Long> generations, Actions.Builder actions) {
        long inFlight = drain.moves.values().stream().filter(m -> m.status.inFlight()).count();
        Instant now = clock.instant();
        for (Move move : drain.moves.values()) {
            if (inFlight >= drain.request.parallelism() || now.isAfter(drain.startedAt.plus(drain.request.deadline()))) {
                break;
            }
            if (move.status != MoveStatus.PENDING) {
                continue;
            }
            String uri = libvirtUris.apply(move.request.targetHostId());
            if (uri == null) {
                move.status = MoveStatus.ABORTED;
                move.detail = "no libvirt URI known for " + move.request.targetHostId() + " (no inventory)";
                continue;
            }
            move.status = MoveStatus.MIGRATING;
            move.commandId = ids();
            move.heardAt = clock.instant();
            move.progress = 0;
            inFlight++;
            actions.publish(command(move.commandId, move.source, move.request.vmId(), HostCommand.Action.MIGRATE,
                            null, 0, drain.id, new HostCommand.Migration(move.request.targetHostId(), uri, 0, 0)))
                    .note(OperatorNote.info("host=" + move.source + " vm=" + move.request.vmId() + " drain=" + drain.id
                            + " command=" + move.commandId + " MIGRATE to " + move.request.targetHostId() + " (" + uri + ")"));
        }
        finishIfSettled(drain, actions);
    }

    private void evictOldFinished() {
        while (drains.size() > RETAINED_DRAINS) {
            Optional<Drain> oldest = drains.values().stream().filter(d -> d.done).findFirst();
            if (oldest.isEmpty()) {
                return;
            }
            drains.remove(oldest.get().id);
        }
    }

    private void finishIfSettled(Drain drain, Actions.Builder actions) {
        boolean settled = drain.moves.values().stream().allMatch(m -> m.status.settled());
        if (settled && !drain.done) {
            drain.done = true;
            long moved = drain.moves.values().stream().filter(m -> m.status == MoveStatus.MIGRATED || m.status == MoveStatus.RESTARTED).count();
            actions.note(OperatorNote.info("host=" + drain.request.hostId() + " drain=" + drain.id + " done: " + moved + " of "
                    + drain.moves.size() + " VMs moved" + (drain.request.kind() == DrainRequest.Kind.MIGRATION ? ""
                    : "; the host stays in MAINTENANCE until it is ended")));
        }
    }

    private HostCommand command(String commandId, String host, String vm, HostCommand.Action action, VmSpec spec,
                                long generation, String drainId, HostCommand.Migration migration) {
        Instant now = clock.instant();
        return new HostCommand(commandId, host, vm, action, spec, generation, drainId, policy.issuedBy(), now,
                now.plus(policy.commandDeadline()), migration, null);
    }

    private String ids() {
        return ids.get();
    }

    /** Newest first; {@code hostId} and {@code vmId} filter when not null (source host; a VM moved). */
    List<DrainView> views(String hostId, String vmId) {
        List<DrainView> all = new ArrayList<>(drains.values().stream()
                .filter(d -> hostId == null || d.request.hostId().equals(hostId)
                        || d.moves.values().stream().anyMatch(m -> m.source.equals(hostId)))
                .filter(d -> vmId == null || d.moves.containsKey(vmId))
                .map(Drain::view).toList());
        java.util.Collections.reverse(all);
        return all;
    }

    Optional<DrainView> view(String drainId) {
        return Optional.ofNullable(drains.get(drainId)).map(Drain::view);
    }
}
