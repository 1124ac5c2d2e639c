package io.kvmha.monitor.metrics;

import io.kvmha.contracts.event.Alert;
import io.kvmha.contracts.event.DomainState;
import io.kvmha.contracts.event.HostState;
import io.kvmha.contracts.event.RecoveryRecord;
import io.kvmha.contracts.event.Tier;
import io.kvmha.monitor.core.AlertTracker;
import io.kvmha.monitor.core.HostStateCounts;
import io.kvmha.monitor.core.IncidentStatusCounts;
import io.kvmha.monitor.core.VmStateCounts;
import io.kvmha.monitor.core.expr.Element;
import io.kvmha.monitor.core.expr.Expr;
import io.kvmha.monitor.core.rules.RuleEngine;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Component;

/**
 * Cluster-level gauges for Grafana, read from the core at scrape time. One series per enum value, so
 * a state with no members reads 0 instead of vanishing. Tag values are lower-case enum names.
 * <ul>
 *   <li>{@code kvmha_hosts{state}}: hosts by their latest health state</li>
 *   <li>{@code kvmha_vms{state,tier}}: VMs by libvirt state (as their hosts' heartbeats report them) and tier</li>
 *   <li>{@code kvmha_alerts_firing{severity}}: alerts firing now</li>
 *   <li>{@code kvmha_incidents{status}}: incidents by their latest recovery status</li>
 *   <li>{@code kvmha_failover_headroom_bytes}: memory the online hosts would have left after losing the
 *       largest of them and restarting its VMs elsewhere; negative: the cluster is not failover-safe</li>
 *   <li>{@code kvmha_monitor_series}, {@code kvmha_monitor_samples_ingested_total}: the rule engine's load</li>
 * </ul>
 */
@Component
public class ClusterGauges {

    /** The same expression as the KvmClusterNotFailoverSafe rule, without its threshold. */
    static final String HEADROOM = "sum(kvmha_host_memory_bytes * sum by (host) (kvmha_host_state{state=\"online\"}))"
            + " - max(kvmha_host_memory_bytes * sum by (host) (kvmha_host_state{state=\"online\"}))"
            + " - sum(kvmha_vm_memory_bytes)";

    public ClusterGauges(MeterRegistry meters, HostStateCounts hosts, AlertTracker alerts,
                         IncidentStatusCounts incidents, VmStateCounts vms, RuleEngine engine, Clock clock) {
        for (HostState state : HostState.values()) {
            Gauge.builder("kvmha.hosts", hosts, h -> h.count(state))
                    .description("Hosts by health state, as last reported on kvmha.host.health")
                    .tag("state", lower(state))
                    .strongReference(true)
                    .register(meters);
        }
        VmTable vmTable = new VmTable(vms);
        for (DomainState state : DomainState.values()) {
            for (Tier tier : tiersAndNone()) {
                int column = tier == null ? Tier.values().length : tier.ordinal();
                Gauge.builder("kvmha.vms", vmTable, t -> t.get()[state.ordinal()][column])
                        .description("VMs by libvirt state (from their hosts' heartbeats) and tier (none: no known spec)")
                        .tag("state", lower(state))
                        .tag("tier", tier == null ? "none" : lower(tier))
                        .strongReference(true)
                        .register(meters);
            }
        }
        for (Alert.Severity severity : Alert.Severity.values()) {
            Gauge.builder("kvmha.alerts.firing", alerts, a -> a.firing(severity))
                    .description("Alerts firing now, by severity")
                    .tag("severity", lower(severity))
                    .strongReference(true)
                    .register(meters);
        }
        for (RecoveryRecord.Status status : RecoveryRecord.Status.values()) {
            Gauge.builder("kvmha.incidents", incidents, i -> i.count(status))
                    .description("Incidents by their latest recovery status, from kvmha.recoveries")
                    .tag("status", lower(status))
                    .strongReference(true)
                    .register(meters);
        }
        Expr headroom = engine.query(HEADROOM);
        Gauge.builder("kvmha.failover.headroom", engine, e -> first(e.run(headroom, clock.instant())))
                .description("Memory left on the online hosts after losing the largest one and restarting its VMs elsewhere")
                .baseUnit("bytes")
                .strongReference(true)
                .register(meters);
        Gauge.builder("kvmha.monitor.series", engine, RuleEngine::seriesCount)
                .description("Series the rule engine holds").strongReference(true).register(meters);
        io.micrometer.core.instrument.FunctionCounter.builder("kvmha.monitor.samples.ingested", engine,
                        RuleEngine::samplesIngested)
                .description("Samples ingested by the rule engine (metric samples and samples derived from events)")
                .register(meters);
    }

    /**
     * The VM counts of one scrape: the 32 {@code kvmha_vms} gauges share one pass over the VMs (taken at most
     * once a second) instead of 32, so a scrape holds the counts, which every heartbeat updates, once.
     */
    private static final class VmTable {
        private static final long MAX_AGE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
        private final VmStateCounts vms;
        private long[][] table;
        private long takenAt;

        VmTable(VmStateCounts vms) {
            this.vms = vms;
        }

        synchronized long[][] get() {
            long now = System.nanoTime();
            if (table == null || now - takenAt > MAX_AGE_NANOS) {
                table = vms.table();
                takenAt = now;
            }
            return table;
        }
    }

    private static double first(List<Element> result) {
        return result.isEmpty() ? 0 : result.get(0).value();
    }

    private static Tier[] tiersAndNone() {
        Tier[] all = new Tier[Tier.values().length + 1];
        System.arraycopy(Tier.values(), 0, all, 0, Tier.values().length);
        return all;
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
