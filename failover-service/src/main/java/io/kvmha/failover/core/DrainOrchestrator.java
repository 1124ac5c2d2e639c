package io.kvmha.failover.core;

import io.kvmha.contracts.event.CommandResult;
import io.kvmha.contracts.event.HostCommand;
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

    public enum MoveStatus { PENDING, MIGRATING, MIGRATED, SHUTTING_DOWN, RESTARTING, RESTARTED, ABORTED, FAILED }

    /** One VM of a drain, as the REST API shows it. */
    public record MoveView(String vmId, String targetHostId, DrainRequest.Fallback fallback, MoveStatus status,
                           Integer progressPercent, String commandId, String detail) {
    }

    /** A drain as the REST API shows it. */
    public record DrainView(String drainId, String hostId, String reason, Instant startedAt, Instant deadline,
                            int parallelism, boolean done, List<MoveView> moves) {
    }

    private static final class Move {
        final DrainRequest.Move request;
        MoveStatus status = MoveStatus.PENDING;
        Integer progress;
        String commandId;
        String detail;

        Move(DrainRequest.Move request) {
            this.request = request;
        }

        MoveView view() {
            return new MoveView(request.vmId(), request.targetHostId(), request.fallback(), status, progress, commandId, detail);
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
            request.moves().forEach(m -> moves.put(m.vmId(), new Move(m)));
        }

        DrainView view() {
            return new DrainView(id, request.hostId(), request.reason(), startedAt, startedAt.plus(request.deadline()),
                    request.parallelism(), done, moves.values().stream().map(Move::view).toList());
        }
    }

    private final InstantSource clock;
    private final RecoveryPolicy policy;
    private final Supplier<String> ids;
    private final Map<String, Drain> drains = new LinkedHashMap<>();

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
        Actions.Builder actions = Actions.builder().note(OperatorNote.info("host=" + request.hostId() + " drain="
                + drain.id + " started: " + request.moves().size() + " VMs, parallelism " + request.parallelism()
                + ", deadline " + request.deadline().toSeconds() + " s" + (request.reason() == null ? "" : " (" + request.reason() + ")")));
        issue(drain, libvirtUris, specs, generations, actions);
        return new Started(drain.id, actions.build());
    }

    record Started(String drainId, Actions actions) {
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
                    move.detail = "migration " + error + "; cold restart: shutting down on " + drain.request.hostId();
                    actions.publish(command(move.commandId, drain.request.hostId(), move.request.vmId(),
                                    HostCommand.Action.SHUTDOWN, null, 0, drain.id, null))
                            .note(OperatorNote.warn(ids + " migration failed (" + error + "); cold restart: SHUTDOWN first"));
                } else {
                    move.status = MoveStatus.ABORTED;
                    move.detail = "migration " + error + "; left running on " + drain.request.hostId();
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

    /** Deadline: moves not yet started are not started. */
    Actions tick(Instant now) {
        Actions.Builder actions = Actions.builder();
        for (Drain drain : drains.values()) {
            if (drain.done || now.isBefore(drain.startedAt.plus(drain.request.deadline()))) {
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
        long inFlight = drain.moves.values().stream().filter(m -> m.status == MoveStatus.MIGRATING
                || m.status == MoveStatus.SHUTTING_DOWN || m.status == MoveStatus.RESTARTING).count();
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
            move.progress = 0;
            inFlight++;
            actions.publish(command(move.commandId, drain.request.hostId(), move.request.vmId(), HostCommand.Action.MIGRATE,
                            null, 0, drain.id, new HostCommand.Migration(move.request.targetHostId(), uri, 0, 0)))
                    .note(OperatorNote.info("host=" + drain.request.hostId() + " vm=" + move.request.vmId() + " drain=" + drain.id
                            + " command=" + move.commandId + " MIGRATE to " + move.request.targetHostId()));
        }
        finishIfSettled(drain, actions);
    }

    private void finishIfSettled(Drain drain, Actions.Builder actions) {
        boolean settled = drain.moves.values().stream().allMatch(m -> m.status == MoveStatus.MIGRATED
                || m.status == MoveStatus.RESTARTED || m.status == MoveStatus.ABORTED || m.status == MoveStatus.FAILED);
        if (settled && !drain.done) {
            drain.done = true;
            long moved = drain.moves.values().stream().filter(m -> m.status == MoveStatus.MIGRATED || m.status == MoveStatus.RESTARTED).count();
            actions.note(OperatorNote.info("host=" + drain.request.hostId() + " drain=" + drain.id + " done: " + moved + " of "
                    + drain.moves.size() + " VMs moved; the host stays in MAINTENANCE until it is ended"));
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

    List<DrainView> views() {
        List<DrainView> all = new ArrayList<>(drains.values().stream().map(Drain::view).toList());
        java.util.Collections.reverse(all);
        return all;
    }

    Optional<DrainView> view(String drainId) {
        return Optional.ofNullable(drains.get(drainId)).map(Drain::view);
    }
}
