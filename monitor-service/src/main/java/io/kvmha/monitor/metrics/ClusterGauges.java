package io.kvmha.monitor.metrics;

import io.kvmha.contracts.event.Alert;
import io.kvmha.contracts.event.HostState;
import io.kvmha.contracts.event.RecoveryRecord;
import io.kvmha.monitor.core.AlertTracker;
import io.kvmha.monitor.core.HostStateCounts;
import io.kvmha.monitor.core.IncidentStatusCounts;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import org.springframework.stereotype.Component;

/**
 * Cluster-level gauges for Grafana, read from the core at scrape time. One series per enum value, so
 * a state with no members reads 0 instead of vanishing. Tag values are lower-case enum names.
 * <ul>
 *   <li>{@code kvmha_hosts{state}}: hosts by their latest health state</li>
 *   <li>{@code kvmha_alerts_firing{severity}}: alerts firing now</li>
 *   <li>{@code kvmha_incidents{status}}: incidents by their latest recovery status</li>
 * </ul>
 */
@Component
public class ClusterGauges {

    public ClusterGauges(MeterRegistry meters, HostStateCounts hosts, AlertTracker alerts,
                         IncidentStatusCounts incidents) {
        for (HostState state : HostState.values()) {
            Gauge.builder("kvmha.hosts", hosts, h -> h.count(state))
                    .description("Hosts by health state, as last reported on kvmha.host.health")
                    .tag("state", lower(state))
                    .strongReference(true)
                    .register(meters);
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
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
