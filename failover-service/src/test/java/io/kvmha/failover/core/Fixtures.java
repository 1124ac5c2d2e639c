package io.kvmha.failover.core;

import io.kvmha.contracts.event.CommandResult;
import io.kvmha.contracts.event.EvacuationPlan;
import io.kvmha.contracts.event.EvacuationRequest;
import io.kvmha.contracts.event.HaPolicy;
import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.event.HostHealthChange;
import io.kvmha.contracts.event.HostHeartbeat;
import io.kvmha.contracts.event.KvmHaEvent;
import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.RecoveryRecord;
import io.kvmha.contracts.event.Tier;
import io.kvmha.contracts.event.VmSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** Small builders for core tests. */
final class Fixtures {

    static final Instant T0 = Instant.parse("2026-11-27T12:00:00Z");

    private Fixtures() {
    }

    /** Ids id-1, id-2, ... so tests can name them. */
    static Supplier<String> sequentialIds() {
        AtomicInteger n = new AtomicInteger();
        return () -> "id-" + n.incrementAndGet();
    }

    static HostHeartbeat heartbeat(String host, long seq, Instant sentAt) {
        return new HostHeartbeat(host, seq, sentAt, 1000, "0.1.0", HostHeartbeat.LibvirtConnectivity.CONNECTED,
                List.of(), false, false);
    }

    static VmSpec spec(String vmId, Tier tier) {
        return new VmSpec(vmId, "vm-" + vmId, 1, 128, tier, HaPolicy.RESTART, 0, Map.of(), T0);
    }

    static Placement placement(String vmId, String host, long generation) {
        return new Placement(vmId, host, generation, List.of(), "test", null, T0);
    }

    static EvacuationPlan plan(String requestId, String incidentId, List<EvacuationPlan.Assignment> assignments,
                               List<EvacuationPlan.Unplaced> unplaced) {
        return new EvacuationPlan(requestId, incidentId, assignments, unplaced, T0);
    }

    static EvacuationPlan.Assignment assign(String vmId, String from, String to) {
        return new EvacuationPlan.Assignment(spec(vmId, Tier.GOLD), from, to, 2);
    }

    static CommandResult result(HostCommand command, CommandResult.Outcome outcome) {
        return new CommandResult(command.commandId(), command.hostId(), command.vmId(), command.action(), outcome,
                outcome == CommandResult.Outcome.SUCCEEDED ? null : "boom", 25, command.incidentId(), T0);
    }

    static <T extends KvmHaEvent> List<T> events(Actions actions, Class<T> type) {
        return actions.events().stream().filter(type::isInstance).map(type::cast).toList();
    }

    static List<HostCommand> commands(Actions actions) {
        return events(actions, HostCommand.class);
    }

    static RecoveryRecord lastRecord(Actions actions) {
        List<RecoveryRecord> records = events(actions, RecoveryRecord.class);
        return records.get(records.size() - 1);
    }

    static EvacuationRequest request(Actions actions) {
        return events(actions, EvacuationRequest.class).get(0);
    }

    static HostHealthChange healthChange(Actions actions) {
        return events(actions, HostHealthChange.class).get(0);
    }
}
