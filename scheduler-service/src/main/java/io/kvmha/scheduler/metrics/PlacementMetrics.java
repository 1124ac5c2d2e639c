package io.kvmha.scheduler.metrics;

import io.kvmha.scheduler.core.ClusterView;
import io.kvmha.scheduler.core.HostLedger;
import io.kvmha.scheduler.core.Placer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * The scheduler's meters: {@code kvmha_placements_total{kind,outcome}},
 * {@code kvmha_placement_decision_seconds{kind}}, {@code kvmha_cluster_free_memory_bytes},
 * {@code kvmha_failover_headroom_bytes} and {@code kvmha_failover_reserve_holds}.
 */
@Component
public class PlacementMetrics {

    /** Why a placement was asked for. */
    public enum Kind { CREATE, EVACUATION, DRAIN, MIGRATION }

    /** What came of it. */
    public enum Outcome { PLACED, NO_HOST_FITS, DUPLICATE_NAME, TIER_QUOTA, FAILOVER_RESERVE }

    private final MeterRegistry meters;

    public PlacementMetrics(MeterRegistry meters, ClusterView view, Placer placer) {
        this.meters = meters;
        Gauge.builder("kvmha.cluster.free.memory", view, v -> v.read(ledger -> {
                    long free = 0;
                    for (HostLedger host : ledger.hostArray()) {
                        if (host.acceptsVms()) {
                            free += Math.max(0, host.memoryFreeBytes());
                        }
                    }
                    return (double) free;
                }))
                .description("Memory of hosts accepting VMs not claimed by the placement ledger (ratio applied)")
                .baseUnit("bytes")
                .register(meters);
        Gauge.builder("kvmha.failover.headroom", placer, p -> p.headroom().headroomBytes())
                .description("Smallest memory left on the other accepting hosts after any one ONLINE host's HA VMs "
                        + "restarted there; negative = the reserve is short")
                .baseUnit("bytes")
                .register(meters);
        Gauge.builder("kvmha.failover.reserve.holds", placer, p -> p.headroom().reserveHolds() ? 1 : 0)
                .description("1 when every ONLINE host's HA VMs can restart elsewhere (exact NUMA fit, N+K), else 0")
                .register(meters);
    }

    public <T> T timeDecision(Kind kind, Supplier<T> decision) {
        return Timer.builder("kvmha.placement.decision")
                .description("Time to decide (and claim) a placement or a plan")
                .tag("kind", tag(kind))
                .register(meters)
                .record(decision);
    }

    public void count(Kind kind, Outcome outcome, int n) {
        Counter.builder("kvmha.placements")
                .description("Placement decisions by kind and outcome, one per VM")
                .tag("kind", tag(kind))
                .tag("outcome", tag(outcome))
                .register(meters)
                .increment(n);
    }

    private static String tag(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
