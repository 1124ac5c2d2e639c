package io.kvmha.failover.core;

import io.kvmha.contracts.event.Alert;
import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.event.HostState;
import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.VmLifecycleEvent;
import io.kvmha.contracts.event.VmSpec;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Restarts an HA-protected VM that crashed (libvirt's STOPPED with reason CRASHED or FAILED; never a
 * requested stop: DESTROYED, SHUTDOWN) on the host it is placed on, up to
 * {@link CrashRestartPolicy#maxRestarts()} times in the window; the next crash restarts it elsewhere (once per
 * window: the host may be what kills it); a VM that crash-loops there too is left stopped with a critical alert.
 * Only on an ONLINE host: a failing host's VMs are the host recovery's business. Not thread-safe.
 */
final class VmCrashRestarter {

    /** Restarts a VM on another host: the recovery coordinator's VM-level incident. */
    @FunctionalInterface
    interface Relocation {
        Actions relocate(String hostId, VmSpec spec, long generation, String why);
    }

    private final CrashRestartPolicy policy;
    private final RecoveryPolicy recovery;
    private final Supplier<String> ids;
    private final Map<String, Deque<Instant>> restarts = new HashMap<>();
    private final Set<String> alerted = new HashSet<>();
    /** When each VM was last moved away for crashing. */
    private final Map<String, Instant> relocated = new HashMap<>();
    private final Relocation relocation;

    VmCrashRestarter(CrashRestartPolicy policy, RecoveryPolicy recovery, Supplier<String> ids, Relocation relocation) {
        this.policy = policy;
        this.recovery = recovery;
        this.ids = ids;
        this.relocation = relocation;
    }

    Actions onEvent(VmLifecycleEvent event, VmSpec spec, Placement placement, HostState hostState, Instant now) {
        if (event.kind() != VmLifecycleEvent.Kind.STOPPED || (event.reason() != VmLifecycleEvent.Reason.CRASHED
                && event.reason() != VmLifecycleEvent.Reason.FAILED)) {
            return Actions.NONE;
        }
        String vm = event.vmId();
        String host = event.hostId();
        String ids = "host=" + host + " vm=" + vm;
        if (spec == null || !spec.haPolicy().isProtected()) {
            return Actions.note(OperatorNote.info(ids + " crashed (" + event.reason() + "); not HA-protected, left stopped"));
        }
        if (placement == null || !placement.hostId().equals(host)) {
            return Actions.note(OperatorNote.info(ids + " crashed on a host it is not placed on ("
                    + (placement == null ? "no placement" : "placed on " + placement.hostId()) + "); not restarted there"));
        }
        if (hostState != HostState.ONLINE) {
            return Actions.note(OperatorNote.info(ids + " crashed while its host is " + hostState
                    + "; the host's recovery decides"));
        }
        Deque<Instant> recent = restarts.computeIfAbsent(vm, v -> new ArrayDeque<>());
        while (!recent.isEmpty() && recent.peekFirst().isBefore(now.minus(policy.window()))) {
            recent.removeFirst();
        }
        if (recent.isEmpty()) {
            alerted.remove(vm);
        }
        Instant movedAt = relocated.get(vm);
        boolean movedRecently = movedAt != null && movedAt.isAfter(now.minus(policy.window()));
        if (recent.size() >= policy.maxRestarts() && !movedRecently) {
            recent.clear();
            relocated.put(vm, now);
            return relocation.relocate(host, spec, placement.generation(), "vm " + vm + " crashed (" + event.reason()
                    + ") after " + policy.maxRestarts() + " restarts on " + host + " within "
                    + policy.window().toMinutes() + " min");
        }
        if (recent.size() >= policy.maxRestarts()) {
            Actions.Builder actions = Actions.builder().note(OperatorNote.warn(ids + " crashed again (" + event.reason()
                    + "): " + recent.size() + " restarts within " + policy.window().toMinutes()
                    + " min already, after a move from another host; left stopped"));
            if (alerted.add(vm)) {
                actions.publish(new Alert("failover-vm-crash-loop-" + vm, "KvmVmCrashLoop", Alert.Status.FIRING,
                        Alert.Severity.CRITICAL, Map.of("alertname", "KvmVmCrashLoop", "host", host, "vm", vm,
                        "severity", "critical"),
                        Map.of("summary", "VM " + spec.name() + " keeps crashing on " + host,
                                "description", "restarted " + recent.size() + " times within " + policy.window().toMinutes()
                                        + " min, here and on the host it was moved from; left stopped. Check the guest,"
                                        + " then start it by hand.",
                                "runbook_url", "docs/OPERATIONS.md#kvmvmcrashloop"),
                        now, null));
            }
            return actions.build();
        }
        recent.addLast(now);
        String commandId = this.ids.get();
        return Actions.builder()
                .publish(new HostCommand(commandId, host, vm, HostCommand.Action.START, spec, placement.generation(), null,
                        recovery.issuedBy(), now, now.plus(recovery.commandDeadline())))
                .note(OperatorNote.warn(ids + " command=" + commandId + " crashed (" + event.reason() + "); restart "
                        + recent.size() + " of " + policy.maxRestarts() + " within " + policy.window().toMinutes()
                        + " min on the same host"))
                .build();
    }
}
