package io.kvmha.agent.core;

import io.kvmha.contracts.event.CommandResult;
import io.kvmha.contracts.event.CommandResult.Outcome;
import io.kvmha.contracts.event.HostCommand;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Decides what to do with a command addressed to this host and does it against the hypervisor.
 *
 * <ul>
 *   <li>Commands for other hosts are ignored (the topic is shared; they are not ours to answer).</li>
 *   <li>A command seen before gets its first result again and is not executed again.</li>
 *   <li>A command past its deadline is REJECTED: whoever sent it has given up on it and may have
 *       acted elsewhere, so running it now could start a VM twice.</li>
 *   <li>Actions are level-triggered: starting a running domain, destroying a stopped one or undefining
 *       an unknown one succeeds without touching the hypervisor.</li>
 * </ul>
 *
 * Commands execute one at a time, in arrival order.
 */
public final class CommandExecutor {

    private final String hostId;
    private final Hypervisor hypervisor;
    private final Clock clock;
    private final CommandResultCache results;
    private final CommandAttribution attribution;

    public CommandExecutor(String hostId, Hypervisor hypervisor, Clock clock, int resultCacheSize,
                           CommandAttribution attribution) {
        this.hostId = hostId;
        this.hypervisor = hypervisor;
        this.clock = clock;
        this.results = new CommandResultCache(resultCacheSize);
        this.attribution = attribution;
    }

    /** What happened to one command, for the caller to publish and log. */
    public record Handling(CommandResult result, boolean replayed, String note) {
    }

    /** Handles a command; empty when it is addressed to another host. */
    public synchronized Optional<Handling> handle(HostCommand command) {
        if (!hostId.equals(command.hostId())) {
            return Optional.empty();
        }
        Optional<CommandResult> earlier = results.get(command.commandId());
        if (earlier.isPresent()) {
            return Optional.of(new Handling(earlier.get(), true, "redelivered; first result replayed"));
        }
        Handling handling = execute(command);
        results.put(handling.result());
        return Optional.of(handling);
    }

    private Handling execute(HostCommand command) {
        Instant started = clock.instant();
        String refusal = refusal(command, started);
        if (refusal != null) {
            return new Handling(result(command, Outcome.REJECTED, refusal, started), false, refusal);
        }
        attribution.expect(command);
        try {
            String note = perform(command);
            return new Handling(result(command, Outcome.SUCCEEDED, null, started), false, note);
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

    /** Performs the action; returns a note on what was actually done. */
    private String perform(HostCommand command) {
        String vmId = command.vmId();
        Optional<HypervisorDomain> existing = hypervisor.findDomain(vmId);
        switch (command.action()) {
            case DEFINE_AND_START -> {
                if (existing.isPresent() && existing.get().isActive()) {
                    return "already " + existing.get().state() + "; not started again";
                }
                hypervisor.define(DomainXmlBuilder.toXml(command.spec(), hypervisor.domainType()));
                hypervisor.start(vmId);
                return existing.isPresent() ? "redefined and started" : "defined and started";
            }
            case START -> {
                if (existing.isPresent() && existing.get().isActive()) {
                    return "already " + existing.get().state() + "; not started again";
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
            default -> throw new IllegalStateException("unknown action " + command.action());
        }
    }

    private CommandResult result(HostCommand command, Outcome outcome, String error, Instant started) {
        Instant completed = clock.instant();
        long durationMs = Math.max(0, completed.toEpochMilli() - started.toEpochMilli());
        return new CommandResult(command.commandId(), hostId, command.vmId(), command.action(), outcome, error,
                durationMs, command.incidentId(), completed);
    }
}
