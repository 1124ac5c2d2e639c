package io.kvmha.monitor.metrics;

import io.kvmha.monitor.core.expr.Element;
import io.kvmha.monitor.core.expr.Expr;
import io.kvmha.monitor.core.rules.RuleEngine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Per-host series for Grafana's host detail dashboard, taken from the rule engine's view of the
 * cluster (bounded by the number of hosts and NUMA cells; no per-VM series):
 * {@code kvmha_host_state{host,state}} (1 for the host's current state), {@code kvmha_host_memory_bytes{host}},
 * {@code kvmha_host_numa_memory_bytes{host,cell}}, {@code kvmha_host_numa_free_memory_bytes{host,cell}},
 * {@code kvmha_host_vms{host,state}} (domains by libvirt state, from the host's heartbeats). Refreshed
 * every evaluation interval; a host that leaves the cluster disappears.
 *
 * <p>Each series is registered once, when it first appears, and then only its value changes: re-registering
 * the ~14,000 series of a 1,000-host cluster on every refresh cost a tenth of a core and made a concurrent
 * scrape fail now and then (Prometheus' client saw a series removed and added again twice).
 */
@Component
public class HostGauges {

    private final RuleEngine engine;
    private final Clock clock;
    private final List<Row> rows = new ArrayList<>();

    private record Row(MultiGauge gauge, Expr query, Map<Map<String, String>, Value> values) {
    }

    /** The current value of one series; the gauge reads it at scrape time. */
    private static final class Value {
        volatile double value;
        /** The last refresh whose result held this series (refresh thread only). */
        long seenAt;

        double get() {
            return value;
        }
    }

    private long refreshes;

    public HostGauges(RuleEngine engine, Clock clock, MeterRegistry meters) {
        this.engine = engine;
        this.clock = clock;
        add(meters, "kvmha.host.state", null, "Host health state (1 = current), from kvmha.host.health", "kvmha_host_state == 1");
        add(meters, "kvmha.host.memory", "bytes", "Host memory, from its inventory", "kvmha_host_memory_bytes");
        add(meters, "kvmha.host.numa.memory", "bytes", "Memory of each NUMA cell, from the host's inventory",
                "kvmha_host_numa_memory_bytes");
        add(meters, "kvmha.host.numa.free.memory", "bytes", "Free memory of each NUMA cell when the inventory was taken",
                "kvmha_host_numa_free_memory_bytes");
        add(meters, "kvmha.host.vms", null, "Domains on the host by libvirt state, from its heartbeats", "kvmha_host_domains");
        refresh();
    }

    private void add(MeterRegistry meters, String name, String unit, String description, String query) {
        MultiGauge.Builder builder = MultiGauge.builder(name).description(description);
        if (unit != null) {
            builder.baseUnit(unit);
        }
        rows.add(new Row(builder.register(meters), engine.query(query), new java.util.HashMap<>()));
    }

    @Scheduled(fixedDelayString = "${kvmha.monitor.evaluation-interval:500ms}")
    void refresh() {
        long refresh = ++refreshes;
        for (Row row : rows) {
            List<Element> result = engine.run(row.query(), clock.instant());
            boolean changed = false;
            for (Element e : result) {
                Value value = row.values().get(e.labels());
                if (value == null) {
                    value = new Value();
                    row.values().put(e.labels(), value);
                    changed = true;
                }
                value.value = e.value();
                value.seenAt = refresh;
            }
            // Stamped rather than collected into a set: no set of every series' labels per row and refresh.
            if (row.values().values().removeIf(v -> v.seenAt != refresh)) {
                changed = true;
            }
            if (changed) {
                // Not overwriting: new series are added, gone ones removed, the others left alone.
                List<MultiGauge.Row<?>> all = new ArrayList<>(row.values().size());
                row.values().forEach((labels, value) -> all.add(MultiGauge.Row.of(tags(labels), value, Value::get)));
                row.gauge().register(all, false);
            }
        }
    }

    private static Tags tags(Map<String, String> labels) {
        Tags tags = Tags.empty();
        for (Map.Entry<String, String> label : labels.entrySet()) {
            tags = tags.and(label.getKey(), label.getValue());
        }
        return tags;
    }
}
