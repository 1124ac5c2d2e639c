package io.kvmha.agent.core;

import io.kvmha.contracts.event.CommandResult;
import io.kvmha.contracts.event.CommandResult.Outcome;
import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.event.Placement;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Decides what to do with a command addressed to this host and does it against the hypervisor.
 *
 * <ul>
 *   <li>Commands for other hosts are ignored (the topic is shared; they are not ours to answer).</li>
 *   <li>A command seen before gets its first result again and is not executed again. With a durable
 *       {@link CommandJournal} ({@link FileCommandJournal}) this holds across agent restarts and power losses: a
 *       command begun before the restart whose outcome was never recorded is not executed again (REJECTED, or
 *       SUCCEEDED for a start whose domain is found running).</li>
 *   <li>A command past its deadline is REJECTED: whoever sent it has given up on it and may have
 *       acted elsewhere, so running it now could start a VM twice.</li>
 *   <li>Actions are level-triggered: starting a running domain, destroying a stopped one or undefining
 *       an unknown one succeeds without touching the hypervisor.</li>
 *   <li>HA-protected domains never get autostart (a rejoining host must not start them by itself):
 *       DEFINE_AND_START turns it off, SET_AUTOSTART true is REJECTED for them.</li>
 *   <li>SHUTDOWN asks the guest, waits until the command's deadline, then destroys.</li>
 *   <li>MIGRATE reports IN_PROGRESS results from the job's progress and aborts the migration when the
 *       deadline passes.</li>
 * </ul>
 *
 * Commands of one VM execute one at a time (a striped lock per VM id: a redelivered command waits for its first
 * execution and then gets its result); commands of different VMs may run side by side ({@link VmCommandLanes}).
 */
public final class CommandExecutor {

    private final String hostId;
    private final Hypervisor hypervisor;
    private final Clock clock;
    private final CommandJournal journal;
    private final CommandAttribution attribution;
    private final Pause pause;
    private final Duration pollInterval;
    private static final int LOCK_STRIPES = 64;

    /** Per VM id (striped): one command of a VM at a time, so "seen before" and "already running" stay true. */
    private final ReentrantLock[] vmLocks = new ReentrantLock[LOCK_STRIPES];
    private volatile PlacementBook placements;
    private volatile Duration placementWait = Duration.ZERO;
    private volatile GuestBoot guestBoot = GuestBoot.NONE;
    /** When this agent began: a command issued before it may be a redelivery from the host's previous life. */
    private final Instant startedAt;
    /** How long a start issued before this agent began waits for the placement replay to confirm it (default 5 s). */
    private volatile Duration catchUpWait = Duration.ofSeconds(5);

    /** Waits between polls of a shutdown or migration; tests pass one that advances a virtual clock. */
    @FunctionalInterface
    public interface Pause {
        void pause(Duration duration) throws InterruptedException;

        Pause SLEEP = d -> Thread.sleep(d.toMillis());
    }

    public CommandExecutor(String hostId, Hypervisor hypervisor, Clock clock, int resultCacheSize,
                           CommandAttribution attribution) {
        this(hostId, hypervisor, clock, resultCacheSize, attribution, Pause.SLEEP, Duration.ofMillis(250));
    }

    /** With the last {@code resultCacheSize} commands remembered in memory only (lost on restart). */
    public CommandExecutor(String hostId, Hypervisor hypervisor, Clock clock, int resultCacheSize,
                           CommandAttribution attribution, Pause pause, Duration pollInterval) {
        this(hostId, hypervisor, clock, new InMemoryCommandJournal(resultCacheSize), attribution, pause, pollInterval);
    }

    public CommandExecutor(String hostId, Hypervisor hypervisor, Clock clock, CommandJournal journal,
                           CommandAttribution attribution) {
        this(hostId, hypervisor, clock, journal, attribution, Pause.SLEEP, Duration.ofMillis(250));
    }

    /** @param journal what this agent remembers of its commands; a durable one keeps them across restarts */
    public CommandExecutor(String hostId, Hypervisor hypervisor, Clock clock, CommandJournal journal,
                           CommandAttribution attribution, Pause pause, Duration pollInterval) {
        this.hostId = hostId;
        this.hypervisor = hypervisor;
        this.clock = clock;
        this.journal = journal;
        this.attribution = attribution;
        this.pause = pause;
        this.pollInterval = pollInterval;
        this.startedAt = clock.instant();
        for (int i = 0; i < LOCK_STRIPES; i++) {
            vmLocks[i] = new ReentrantLock();
        }
    }

    /**
     * Where DEFINE_AND_START finds the NUMA claims of the command's placement generation, and how long it
     * waits for a placement that has not arrived yet. Without it, domains get no NUMA tuning.
     */
    public synchronized void usePlacements(PlacementBook book, Duration wait) {
        this.placements = book;
        this.placementWait = wait;
    }

    /** As {@link #usePlacements(PlacementBook, Duration)}, with the wait for the placement replay after a restart. */
    public synchronized void usePlacements(PlacementBook book, Duration wait, Duration catchUpWait) {
        usePlacements(book, wait);
        this.catchUpWait = catchUpWait;
    }

    /** How disk-less guests defined from now on boot and log their serial port. */
    public synchronized void useGuestBoot(GuestBoot boot) {
        this.guestBoot = boot;
    }

    /** What happened to one command, for the caller to publish and log. */
    public record Handling(CommandResult result, boolean replayed, String note) {
    }

    /** Handles a command; empty when it is addressed to another host. */
    public Optional<Handling> handle(HostCommand command) {
        return handle(command, progress -> { });
    }

    /**
     * Handles a command, reporting IN_PROGRESS results of long commands (migrations) to {@code progress}
     * before returning the final one; empty when it is addressed to another host.
     */
    public Optional<Handling> handle(HostCommand command, Consumer<CommandResult> progress) {
        if (!hostId.equals(command.hostId())) {
            return Optional.empty();
        }
        ReentrantLock lock = vmLocks[Math.floorMod(command.vmId().hashCode(), LOCK_STRIPES)];
        lock.lock();
        try {
            Optional<CommandJournal.Entry> earlier = journal.find(command.commandId());
            if (earlier.isPresent()) {
                return Optional.of(earlier.get().outcomeUnknown() ? unknownOutcome(command)
                        : new Handling(earlier.get().result(), true, "redelivered; first result replayed"));
            }
            Handling handling = execute(command, progress);
            return Optional.of(finished(handling));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Began before this agent restarted (or before the host lost power) and never recorded an outcome: it may have
     * changed the hypervisor or not. Not executed again. A start whose domain runs here did happen (answering
     * REJECTED would have the VM re-placed and run twice); anything else is REJECTED, and the sender treats it as a
     * failed command.
     */
    private Handling unknownOutcome(HostCommand command) {
        Instant now = clock.instant();
        if (command.action() == HostCommand.Action.DEFINE_AND_START || command.action() == HostCommand.Action.START) {
            Optional<HypervisorDomain> domain;
            try {
                domain = hypervisor.findDomain(command.vmId());
            } catch (RuntimeException cannotTell) {
                domain = Optional.empty();
            }
            if (domain.isPresent() && domain.get().isActive()) {
                String note = "executed before this agent restarted; found " + domain.get().state()
                        + " here, not started again";
                return finished(new Handling(result(command, Outcome.SUCCEEDED, null, now, null, note), false, note));
            }
        }
        String why = "executed before this agent restarted; outcome unknown, not executed again";
        return finished(new Handling(result(command, Outcome.REJECTED, why, now), false, why));
    }

    /** Records the final result; a journal that cannot write it does not undo what was done. */
    private Handling finished(Handling handling) {
        try {
            journal.finished(handling.result());
            return handling;
        } catch (UncheckedIOException e) {
            return new Handling(handling.result(), handling.replayed(),
                    handling.note() + " (result not journaled: " + e.getMessage() + ")");
        }
    }

    private Handling execute(HostCommand command, Consumer<CommandResult> progress) {
        Instant started = clock.instant();
        String refusal = refusal(command, started);
        if (refusal != null) {
            return new Handling(result(command, Outcome.REJECTED, refusal, started), false, refusal);
        }
        try {
            // Durable before the hypervisor is touched: a redelivery after a crash from here on is never re-run.
            journal.started(command, started);
        } catch (UncheckedIOException e) {
            String error = "not executed: " + e.getMessage();
            return new Handling(result(command, Outcome.FAILED, error, started), false, error);
        }
        attribution.expect(command);
        try {
            String note = perform(command, started, progress);
            return new Handling(result(command, Outcome.SUCCEEDED, null, started, null, note), false, note);
        } catch (Refused e) {
            return new Handling(result(command, Outcome.REJECTED, e.getMessage(), started), false, e.getMessage());
        } catch (HypervisorException e) {
            return new Handling(result(command, Outcome.FAILED, e.getMessage(), started), false, e.getMessage());
        } catch (RuntimeException e) {
            String error = e.getClass().getSimpleName() + ": " + e.getMessage();
            return new Handling(result(command, Outcome.FAILED, error, started), false, error);
        }
    }

    private static String refusal(HostCommand command, Instant now) {
        if (now.isAfter(command.deadline())) {
            return "past its deadline " + command.deadline() + " (now " + now + ")";
        }
        if (command.spec() != null && !command.spec().vmId().equals(command.vmId())) {
            return "vmId " + command.vmId() + " does not match spec.vmId " + command.spec().vmId();
        }
        return null;
    }

    /** A command that is valid but must not be carried out (it would break an HA rule). */
    private static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /** Performs the action; returns a note on what was actually done. */
    private String perform(HostCommand command, Instant started, Consumer<CommandResult> progress) {
        String vmId = command.vmId();
        Optional<HypervisorDomain> existing = hypervisor.findDomain(vmId);
        switch (command.action()) {
            case DEFINE_AND_START -> {
                if (existing.isPresent() && existing.get().isActive()) {
                    return "already " + existing.get().state() + "; not started again";
                }
                refuseIfStale(command);
                Optional<Placement> placement = placement(command);
                List<Placement.NumaClaim> claims = placement.map(Placement::numaClaims).orElse(List.of());
                hypervisor.define(DomainXmlBuilder.toXml(command.spec(), hypervisor.domainType(), claims, guestBoot));
                if (command.spec().haPolicy().isProtected()) {
                    hypervisor.setAutostart(vmId, false);
                }
                hypervisor.start(vmId);
                String numa = claims.isEmpty()
                        ? (placement.isPresent() ? "" : " (no placement generation " + command.placementGeneration()
                                + " seen: no NUMA tuning)")
                        : " on host NUMA cell(s) " + claims.stream().map(c -> String.valueOf(c.hostCell())).distinct().toList();
                return (existing.isPresent() ? "redefined and started" : "defined and started") + numa;
            }
            case START -> {
                if (existing.isPresent() && existing.get().isActive()) {
                    return "already " + existing.get().state() + "; not started again";
                }
                if (command.placementGeneration() > 0) {
                    refuseIfStale(command);
                }
                hypervisor.start(vmId);
                return "started";
            }
            case DESTROY -> {
                if (existing.isEmpty() || !existing.get().isActive()) {
                    return existing.isEmpty() ? "not defined; nothing to destroy" : "not running; nothing to destroy";
                }
                hypervisor.destroy(vmId);
                return "destroyed";
            }
            case UNDEFINE -> {
                if (existing.isEmpty()) {
                    return "not defined; nothing to undefine";
                }
                hypervisor.undefine(vmId);
                return "undefined";
            }
            case SHUTDOWN -> {
                if (existing.isEmpty() || !existing.get().isActive()) {
                    return existing.isEmpty() ? "not defined; nothing to shut down" : "not running; nothing to shut down";
                }
                return shutdown(command);
            }
            case SET_AUTOSTART -> {
                if (existing.isEmpty()) {
                    throw new HypervisorException("Domain not found: no domain with matching uuid '" + vmId + "'");
                }
                boolean wanted = Boolean.TRUE.equals(command.autostart());
                if (wanted && existing.get().isHaProtected()) {
                    throw new Refused("autostart refused for HA-protected vm " + vmId + " (haPolicy "
                            + existing.get().haPolicy() + "): a rejoining host must not start it by itself");
                }
                hypervisor.setAutostart(vmId, wanted);
                return "autostart " + (wanted ? "on" : "off");
            }
            case MIGRATE -> {
                if (existing.isEmpty() || !existing.get().isActive()) {
                    throw new HypervisorException("Requested operation is not valid: domain " + vmId + " is not running here");
                }
                return migrate(command, started, progress);
            }
        }
        throw new IllegalStateException("unknown action " + command.action());
    }

    /**
     * Never starts a VM whose placement moved on: the command may be a redelivery from before this host died, and
     * the VM may already run elsewhere. A command issued before this agent began waits for the placement replay.
     */
    private void refuseIfStale(HostCommand command) {
        if (placements == null) {
            return;
        }
        try {
            if (command.issuedAt().isBefore(startedAt) && !placements.awaitCaughtUp(catchUpWait)) {
                throw new Refused("issued at " + command.issuedAt() + ", before this agent started at " + startedAt
                        + ", and the placements could not be read within " + catchUpWait.toMillis()
                        + " ms to confirm the VM is still wanted here");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refused("interrupted while confirming the placement");
        }
        Optional<String> stale = placements.supersession(command.vmId(), command.placementGeneration());
        if (stale.isPresent()) {
            throw new Refused("stale command, not started: " + stale.get());
        }
    }

    private Optional<Placement> placement(HostCommand command) {
        if (placements == null) {
            return Optional.empty();
        }
        try {
            return placements.await(command.vmId(), command.placementGeneration(), placementWait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private String shutdown(HostCommand command) {
        String vmId = command.vmId();
        hypervisor.shutdown(vmId);
        try {
            while (clock.instant().isBefore(command.deadline())) {
                pause.pause(pollInterval);
                Optional<HypervisorDomain> now = hypervisor.findDomain(vmId);
                if (now.isEmpty() || !now.get().isActive()) {
                    return "shut down by the guest";
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Optional<HypervisorDomain> now = hypervisor.findDomain(vmId);
        if (now.isEmpty() || !now.get().isActive()) {
            return "shut down by the guest";
        }
        hypervisor.destroy(vmId);
        return "guest did not shut down by the deadline " + command.deadline() + "; destroyed";
    }

    private String migrate(HostCommand command, Instant started, Consumer<CommandResult> progress) {
        HostCommand.Migration m = command.migration();
        String vmId = command.vmId();
        CompletableFuture<Void> migration = CompletableFuture.runAsync(
                () -> hypervisor.migrate(vmId, m.targetUri(), m.bandwidthMiBps(), m.maxDowntimeMs()),
                r -> {
                    Thread t = new Thread(r, "migrate-" + vmId);
                    t.setDaemon(true);
                    t.start();
                });
        boolean aborted = false;
        int lastPercent = -1;
        try {
            while (true) {
                try {
                    migration.get(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
                    break;
                } catch (TimeoutException stillRunning) {
                    if (aborted) {
                        continue;
                    }
                    OptionalInt percent = hypervisor.migrationProgress(vmId);
                    if (percent.isPresent() && percent.getAsInt() != lastPercent) {
                        lastPercent = percent.getAsInt();
                        progress.accept(result(command, Outcome.IN_PROGRESS, null, started, lastPercent,
                                "migrating to " + m.targetHostId() + " (" + m.targetUri() + ")"));
                    }
                    if (clock.instant().isAfter(command.deadline())) {
                        // The sender gives up at its deadline and may act elsewhere: the VM must stay here.
                        aborted = true;
                        hypervisor.abortMigration(vmId);
                    }
                }
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            String message = cause instanceof HypervisorException ? cause.getMessage() : String.valueOf(cause);
            if (aborted) {
                throw new HypervisorException("migration aborted: past its deadline " + command.deadline()
                        + " (libvirt: " + message + ")", cause);
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new HypervisorException(message, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            hypervisor.abortMigration(vmId);
            throw new HypervisorException("migration interrupted; aborted", e);
        }
        return "migrated to " + m.targetHostId() + " (" + m.targetUri() + ")";
    }

    private CommandResult result(HostCommand command, Outcome outcome, String error, Instant started) {
        return result(command, outcome, error, started, null, error);
    }

    private CommandResult result(HostCommand command, Outcome outcome, String error, Instant started,
                                 Integer progressPercent, String detail) {
        Instant completed = clock.instant();
        long durationMs = Math.max(0, completed.toEpochMilli() - started.toEpochMilli());
        return new CommandResult(command.commandId(), hostId, command.vmId(), command.action(), outcome, error,
                durationMs, command.incidentId(), completed, progressPercent, detail);
    }
}
