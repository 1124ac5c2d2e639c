package io.kvmha.simulation.scenario;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a scenario measured: {@code metrics} (the benchmark's figures, names carrying their units) and
 * {@code details} (per-run data for plots and diagnosis), both in insertion order for a readable JSON.
 */
public record ScenarioResult(Map<String, Object> metrics, Map<String, Object> details) {

    public ScenarioResult() {
        this(new LinkedHashMap<>(), new LinkedHashMap<>());
    }

    public ScenarioResult metric(String name, Object value) {
        metrics.put(name, value);
        return this;
    }

    public ScenarioResult detail(String name, Object value) {
        details.put(name, value);
        return this;
    }

    public long longMetric(String name) {
        return ((Number) metrics.get(name)).longValue();
    }
}
