package io.kvmha.monitor.core.rules;

import io.kvmha.contracts.event.CommandResult;
import io.kvmha.contracts.event.DomainState;
import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.event.HostHealthChange;
import io.kvmha.contracts.event.HostHeartbeat;
import io.kvmha.contracts.event.HostInventory;
import io.kvmha.contracts.event.HostState;
import io.kvmha.contracts.event.KvmHaEvent;
import io.kvmha.contracts.event.MetricSampleBatch;
import io.kvmha.contracts.event.RecoveryRecord;
import io.kvmha.contracts.event.Tier;
import io.kvmha.contracts.event.VmLifecycleEvent;
import io.kvmha.contracts.event.VmSpec;
import io.kvmha.monitor.core.expr.SeriesStore;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns the event streams into series the rules select (documented in the module README). Metric
 * samples pass through with a {@code host} label added; events become state series (latest value,
 * never stale) and counters (starting at 0, so {@code increase()} counts the first event too).
 * Times are event times, so replaying a topic rebuilds the same history. Not thread-safe.
 */
public final class EventSeries {

    /** Lower-case label values of the enums on the heartbeat path (constants, computed once). */
    private static final String[] DOMAIN_STATES = lowerNames(DomainState.values());
    private static final String[] TIERS = lowerNames(Tier.values());

    private final SeriesStore store;
    private final Map<String, VmSpec> specs = new HashMap<>();
    /** Incidents already counted; bounded by the incidents in kvmha.recoveries' retention. */
    private final Set<String> closedIncidents = new HashSet<>();
    private final Set<String> healthSeen = new HashSet<>();
    private long samples;

    public EventSeries(SeriesStore store) {
        this.store = store;
    }

    /** How many samples (metric samples and derived ones) were ingested so far. */
    public long samples() {
        return samples;
    }

    public void accept(KvmHaEvent event) {
        if (event instanceof MetricSampleBatch batch) {
            metrics(batch);
        } else if (event instanceof HostHeartbeat heartbeat) {
            heartbeat(heartbeat);
        } else if (event instanceof VmLifecycleEvent vm) {
            counter("kvmha_vm_events_total", Map.of("host", vm.hostId(), "vm", vm.vmId(),
                    "kind", lower(vm.kind()), "reason", lower(vm.reason())), vm.occurredAt());
        } else if (event instanceof HostHealthChange change) {
            health(change);
        } else if (event instanceof HostInventory inventory) {
            inventory(inventory);
        } else if (event instanceof RecoveryRecord record) {
            recovery(record);
        } else if (event instanceof CommandResult result) {
            commandResult(result);
        } else if (event instanceof VmSpec spec) {
            specs.put(spec.vmId(), spec);
        }
    }

    /** A host left the cluster (tombstone on a compacted host topic): forget its state series. */
    public void hostRemoved(String hostId) {
        healthSeen.remove(hostId);
        for (String name : new String[] {"kvmha_host_state", "kvmha_host_memory_bytes", "kvmha_host_cpus",
                "kvmha_host_numa_memory_bytes", "kvmha_host_numa_free_memory_bytes"}) {
            store.removeState(name, Map.of("host", hostId));
        }
    }

    public void vmRemoved(String vmId) {
        specs.remove(vmId);
    }

    private void metrics(MetricSampleBatch batch) {
        long t = batch.sampledAt().toEpochMilli();
        SeriesStore.HostBatch out = store.batch(batch.hostId());
        for (MetricSampleBatch.Sample sample : batch.samples()) {
            if (!store.isRetained(sample.name())) {
                continue;
            }
            Map<String, String> labels = sample.labels();
            if (!batch.hostId().equals(labels.get("host"))) {
                labels = new HashMap<>(labels);
                labels.put("host", batch.hostId());
            }
            out.add(sample.name(), labels, t, sample.value());
        }
        out.add("kvmha_host_samples", Map.of("host", batch.hostId()), t, batch.samples().size());
        out.close();
        samples += batch.samples().size();
    }

    private void heartbeat(HostHeartbeat heartbeat) {
        long t = heartbeat.sentAt().toEpochMilli();
        String host = heartbeat.hostId();
        Map<String, String> hostLabel = Map.of("host", host);
        SeriesStore.HostBatch out = store.batch(host);
        out.add("kvmha_host_heartbeat_sequence", hostLabel, t, heartbeat.sequence());
        out.add("kvmha_host_libvirt_connected", hostLabel, t,
                heartbeat.libvirt() == HostHeartbeat.LibvirtConnectivity.CONNECTED ? 1 : 0);
        out.add("kvmha_host_self_fenced", hostLabel, t, heartbeat.selfFenced() ? 1 : 0);
        out.add("kvmha_host_maintenance", hostLabel, t, heartbeat.maintenance() ? 1 : 0);
        // Per-VM series are the bulk of a heartbeat: build their labels only for names some rule or gauge keeps.
        boolean memory = store.isRetained("kvmha_vm_memory_bytes");
        boolean domainState = store.isRetained("kvmha_vm_domain_state");
        int[] byState = new int[DomainState.values().length];
        for (HostHeartbeat.DomainStatus domain : heartbeat.domains()) {
            byState[domain.state().ordinal()]++;
            if (!memory && !domainState) {
                continue;
            }
            VmSpec spec = specs.get(domain.vmId());
            String tier = spec == null ? "none" : TIERS[spec.tier().ordinal()];
            if (memory && domain.state().isActive()) {
                out.add("kvmha_vm_memory_bytes", Map.of("host", host, "vm", domain.vmId(), "tier", tier), t,
                        spec == null ? 0 : spec.memoryMib() * 1024.0 * 1024.0);
            }
            if (domainState) {
                out.add("kvmha_vm_domain_state", Map.of("host", host, "vm", domain.vmId(),
                        "state", DOMAIN_STATES[domain.state().ordinal()], "tier", tier), t, 1);
            }
        }
        for (DomainState state : DomainState.values()) {
            out.add("kvmha_host_domains", Map.of("host", host, "state", DOMAIN_STATES[state.ordinal()]), t,
                    byState[state.ordinal()]);
        }
        out.close();
        samples += 5 + heartbeat.domains().size() * 2L + byState.length;
    }

    private void health(HostHealthChange change) {
        healthSeen.add(change.hostId());
        long t = change.changedAt().toEpochMilli();
        for (HostState state : HostState.values()) {
            store.putState("kvmha_host_state", Map.of("host", change.hostId(), "state", lower(state)), t,
                    state == change.current() ? 1 : 0);
        }
        samples += HostState.values().length;
    }

    private void inventory(HostInventory inventory) {
        long t = inventory.observedAt().toEpochMilli();
        String host = inventory.hostId();
        store.putState("kvmha_host_memory_bytes", Map.of("host", host), t, inventory.memoryBytes());
        if (!healthSeen.contains(host)) {
            // A host without a health change counts as ONLINE (the skeleton's convention).
            store.putState("kvmha_host_state", Map.of("host", host, "state", "online"), t, 1);
        }
        store.putState("kvmha_host_cpus", Map.of("host", host), t, inventory.cpus());
        for (HostInventory.NumaCell cell : inventory.numaCells()) {
            Map<String, String> labels = Map.of("host", host, "cell", Integer.toString(cell.id()));
            store.putState("kvmha_host_numa_memory_bytes", labels, t, cell.memoryBytes());
            store.putState("kvmha_host_numa_free_memory_bytes", labels, t, cell.freeMemoryBytes());
        }
        samples += 2 + 2L * inventory.numaCells().size();
    }

    private void recovery(RecoveryRecord record) {
        if (record.status() == RecoveryRecord.Status.OPEN || !closedIncidents.add(record.incidentId())) {
            return;
        }
        counter("kvmha_incidents_closed_total", Map.of("host", record.hostId(), "status", lower(record.status())),
                record.updatedAt());
        Instant detected = record.timeline().isEmpty() ? null : record.timeline().get(0).at();
        for (RecoveryRecord.VmRecovery vm : record.vms()) {
            if (vm.status() == RecoveryRecord.VmStatus.STARTED && vm.at() != null && detected != null) {
                store.putEvent("kvmha_vm_recovery_seconds", Map.of("host", record.hostId(), "vm", vm.vmId(),
                        "tier", vm.tier() == null ? "none" : lower(vm.tier()), "incident", record.incidentId()),
                        vm.at().toEpochMilli(), (vm.at().toEpochMilli() - detected.toEpochMilli()) / 1000.0);
                samples++;
            }
        }
    }

    private void commandResult(CommandResult result) {
        if (result.action() != HostCommand.Action.MIGRATE || !result.isFinal() || result.vmId() == null) {
            return;
        }
        Map<String, String> vm = Map.of("host", result.hostId(), "vm", result.vmId());
        store.putEvent("kvmha_migration_seconds", vm, result.completedAt().toEpochMilli(), result.durationMs() / 1000.0);
        counter("kvmha_migrations_total", Map.of("host", result.hostId(), "vm", result.vmId(),
                "outcome", lower(result.outcome())), result.completedAt());
    }

    private void counter(String name, Map<String, String> labels, Instant at) {
        if (!store.isRetained(name)) {
            return;
        }
        long t = at.toEpochMilli();
        Double previous = store.lastValue(name, labels);
        if (previous == null) {
            store.putEvent(name, labels, t - 1, 0); // born at zero: increase() counts the first event
            previous = 0.0;
        }
        store.putEvent(name, labels, t, previous + 1);
        samples++;
    }

    private static String[] lowerNames(Enum<?>[] values) {
        String[] names = new String[values.length];
        for (Enum<?> value : values) {
            names[value.ordinal()] = lower(value);
        }
        return names;
    }

    static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
