package io.kvmha.contracts.testing;

import io.kvmha.contracts.event.Alert;
import io.kvmha.contracts.event.AuditRecord;
import io.kvmha.contracts.event.CommandResult;
import io.kvmha.contracts.event.DomainState;
import io.kvmha.contracts.event.EvacuationPlan;
import io.kvmha.contracts.event.EvacuationRequest;
import io.kvmha.contracts.event.HaPolicy;
import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.event.HostHealthChange;
import io.kvmha.contracts.event.HostHeartbeat;
import io.kvmha.contracts.event.HostInventory;
import io.kvmha.contracts.event.HostState;
import io.kvmha.contracts.event.KvmHaEvent;
import io.kvmha.contracts.event.MetricSampleBatch;
import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.RecoveryRecord;
import io.kvmha.contracts.event.Tier;
import io.kvmha.contracts.event.VmLifecycleEvent;
import io.kvmha.contracts.event.VmSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One valid example of every event type, for tests. */
public final class SampleEvents {

    public static final Instant AT = Instant.parse("2026-11-27T12:00:00Z");
    public static final String VM_ID = "7b0c6c2e-4f0e-4b1a-9d0e-2f7a4c1b9e01";

    private SampleEvents() {
    }

    public static VmSpec vmSpec() {
        return new VmSpec(VM_ID, "web-1", 2, 512, Tier.GOLD, HaPolicy.RESTART, 10, Map.of("app", "web"), AT);
    }

    public static HostInventory inventory(String hostId) {
        var cpu = new HostInventory.Cpu(0, 0, 0, List.of(0));
        var cell = new HostInventory.NumaCell(0, 8L << 30, 6L << 30, List.of(cpu),
                List.of(new HostInventory.HugepagePool(2048, 0, 0)));
        return new HostInventory(hostId, "uuid-" + hostId, "test:///default", "Skylake", 8, 16L << 30,
                List.of(cell), "TEST", "9.0.0", "9.0.0", true, Map.of("rack", "r1"), AT);
    }

    public static HostHeartbeat heartbeat(String hostId, long sequence) {
        return new HostHeartbeat(hostId, sequence, AT, 1000, "0.1.0",
                HostHeartbeat.LibvirtConnectivity.CONNECTED,
                List.of(new HostHeartbeat.DomainStatus(VM_ID, "web-1", DomainState.RUNNING)), false, false);
    }

    public static HostHealthChange healthChange(String hostId, HostState from, HostState to) {
        return new HostHealthChange(hostId, from, to, List.of("no heartbeat for 2.0 s"), "inc-1", AT);
    }

    public static List<KvmHaEvent> all() {
        return List.of(
                inventory("h1"),
                heartbeat("h1", 1),
                new VmLifecycleEvent(VM_ID, "h1", "web-1", VmLifecycleEvent.Kind.STOPPED,
                        VmLifecycleEvent.Reason.CRASHED, false, null, AT),
                new MetricSampleBatch("h1", AT, List.of(new MetricSampleBatch.Sample(
                        "libvirt_domain_info_vcpus", Map.of("domain", "web-1"), 2))),
                vmSpec(),
                new Placement(VM_ID, "h1", 1, List.of(0), "most free memory", null, AT),
                new HostCommand("cmd-1", "h1", VM_ID, HostCommand.Action.DEFINE_AND_START, vmSpec(), 1, null,
                        "scheduler-service", AT, AT.plusSeconds(30)),
                new CommandResult("cmd-1", "h1", VM_ID, HostCommand.Action.DEFINE_AND_START,
                        CommandResult.Outcome.SUCCEEDED, null, 12, null, AT),
                healthChange("h1", HostState.ONLINE, HostState.DOWN),
                new RecoveryRecord("inc-1", "h1", RecoveryRecord.Status.RECOVERED, "UNSAFE: no fencing configured",
                        List.of(new RecoveryRecord.TimelineEntry(AT, "detected", "no heartbeat for 2.0 s")),
                        List.of(new RecoveryRecord.VmRecovery(VM_ID, Tier.GOLD, "h1", "h2",
                                RecoveryRecord.VmStatus.STARTED, null, AT)), AT),
                new Alert("fp-1", "KvmHostDown", Alert.Status.FIRING, Alert.Severity.CRITICAL,
                        Map.of("host", "h1"), Map.of("summary", "Host h1 is down"), AT, null),
                new EvacuationRequest("req-1", "inc-1", List.of("h1"), AT),
                new EvacuationPlan("req-1", "inc-1",
                        List.of(new EvacuationPlan.Assignment(vmSpec(), "h1", "h2", 2)),
                        List.of(), AT),
                new AuditRecord("audit-1", "alice", AuditRecord.Origin.OPERATOR, "POST /api/v1/vms", "/api/v1/vms",
                        "HTTP 201", AT, Map.of("method", "POST", "status", "201")));
    }
}
