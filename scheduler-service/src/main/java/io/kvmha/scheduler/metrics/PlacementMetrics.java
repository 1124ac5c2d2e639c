package io.kvmha.scheduler.metrics;

import io.kvmha.scheduler.core.ClusterSnapshot;
import io.kvmha.scheduler.core.ClusterView;
import io.kvmha.scheduler.core.PlacementEngine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * The scheduler's meters: {@code kvmha_placements_total{kind,outcome}},
 * {@code kvmha_placement_decision_seconds{kind}} and {@code kvmha_cluster_free_memory_bytes}.
 */
@Component
public class PlacementMetrics {

    /** Why a placement was asked for. */
    public enum Kind { CREATE, EVACUATION }

    /** What came of it. */
    public enum Outcome { PLACED, NO_HOST_FITS, DUPLICATE_NAME }

    private final MeterRegistry meters;

    public PlacementMetrics(MeterRegistry meters, ClusterView view, PlacementEngine engine) {
        this.meters = meters;
        Gauge.builder("kvmha.cluster.free.memory", view, v -> unclaimedMemoryOfOnlineHosts(v.snapshot(), engine))
                .description("Memory of ONLINE hosts not claimed by the placement ledger (allocation ratio applied)")
                .baseUnit("bytes")
                .register(meters);
    }

    private static double unclaimedMemoryOfOnlineHosts(ClusterSnapshot cluster, PlacementEngine engine) {
        return cluster.hosts().stream()
                .filter(h -> h.state().acceptsVms())
                .mapToLong(h -> Math.max(0, cluster.capacity(h, engine.ratios()).unclaimedMemoryBytes()))
                .sum();
    }

    public <T> T timeDecision(Kind kind, Supplier<T> decision) {
        return Timer.builder("kvmha.placement.decision")
                .description("Time to decide (and claim) a placement or an evacuation plan")
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
