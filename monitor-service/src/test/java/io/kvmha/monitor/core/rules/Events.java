package io.kvmha.monitor.core.rules;

import io.kvmha.contracts.event.CommandResult;
import io.kvmha.contracts.event.DomainState;
import io.kvmha.contracts.event.HaPolicy;
import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.event.HostHealthChange;
import io.kvmha.contracts.event.HostHeartbeat;
import io.kvmha.contracts.event.HostInventory;
import io.kvmha.contracts.event.HostState;
import io.kvmha.contracts.event.MetricSampleBatch;
import io.kvmha.contracts.event.RecoveryRecord;
import io.kvmha.contracts.event.Tier;
import io.kvmha.contracts.event.VmLifecycleEvent;
import io.kvmha.contracts.event.VmSpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Events for rule tests. */
final class Events {

    static final long GIB = 1L << 30;

    private Events() {
    }

    static HostHeartbeat heartbeat(String host, Instant at, String... runningVms) {
        return heartbeat(host, at, HostHeartbeat.LibvirtConnectivity.CONNECTED, false, runningVms);
    }

    static HostHeartbeat heartbeat(String host, Instant at, HostHeartbeat.LibvirtConnectivity libvirt, boolean selfFenced,
                                   String... runningVms) {
        return new HostHeartbeat(host, at.toEpochMilli(), at, 1000, "test", libvirt,
                Arrays.stream(runningVms).map(vm -> new HostHeartbeat.DomainStatus(vm, vm, DomainState.RUNNING)).toList(),
                selfFenced, false);
    }

    static HostInventory inventory(String host, long memoryBytes, Instant at, long... cellFreeBytes) {
        List<HostInventory.NumaCell> cells = new java.util.ArrayList<>();
        for (int i = 0; i < cellFreeBytes.length; i++) {
            cells.add(new HostInventory.NumaCell(i, memoryBytes / cellFreeBytes.length, cellFreeBytes[i], List.of(), List.of()));
        }
        return new HostInventory(host, null, null, null, 8, memoryBytes, cells, null, null, null, true, Map.of(), at);
    }

    static VmSpec spec(String vm, long memoryMib, Tier tier, Instant at) {
        return new VmSpec(vm, vm, 1, memoryMib, tier, HaPolicy.RESTART, 0, Map.of(), at);
    }

    static HostHealthChange health(String host, HostState from, HostState to, Instant at) {
        return new HostHealthChange(host, from, to, List.of("test"), null, at);
    }

    static VmLifecycleEvent crashed(String host, String vm, Instant at) {
        return new VmLifecycleEvent(vm, host, vm, VmLifecycleEvent.Kind.STOPPED, VmLifecycleEvent.Reason.CRASHED, false,
                null, at);
    }

    static CommandResult migration(String host, String vm, CommandResult.Outcome outcome, long millis, Instant at) {
        return new CommandResult("cmd-" + vm + "-" + at.toEpochMilli(), host, vm, HostCommand.Action.MIGRATE, outcome,
                outcome == CommandResult.Outcome.SUCCEEDED ? null : "boom", millis, null, at);
    }

    static RecoveryRecord recovery(String incident, String host, RecoveryRecord.Status status, Instant detected,
                                   List<RecoveryRecord.VmRecovery> vms, Instant at) {
        return new RecoveryRecord(incident, host, status, "UNSAFE: no fencing configured",
                List.of(new RecoveryRecord.TimelineEntry(detected, "detected", null)), vms, at);
    }

    static RecoveryRecord.VmRecovery started(String vm, Tier tier, String from, String to, Instant at) {
        return new RecoveryRecord.VmRecovery(vm, tier, from, to, RecoveryRecord.VmStatus.STARTED, null, at);
    }

    static MetricSampleBatch samples(String host, Instant at, MetricSampleBatch.Sample... samples) {
        return new MetricSampleBatch(host, at, List.of(samples));
    }

    static MetricSampleBatch.Sample sample(String name, double value, String... labels) {
        Map<String, String> map = new java.util.HashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            map.put(labels[i], labels[i + 1]);
        }
        return new MetricSampleBatch.Sample(name, map, value);
    }
}
