package io.kvmha.monitor.core.expr;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The recent samples the rules need, by metric name. Only metric names some rule selects are kept
 * ({@link #retain}); each keeps as much history as the longest range any rule asks of it.
 *
 * <p>Staleness works as in Prometheus: a sampled series that is missing from its host's next batch
 * (a VM that went away) is removed at once; a series whose host stops reporting keeps its last
 * sample, but instant selectors stop returning it after the lookback, so it never freezes at its last
 * value, and {@code stale()} reports it. State series (derived from events, such as a host's health)
 * hold their last value until an event changes it. Not thread-safe: the {@code RuleEngine} serialises access.
 */
public final class SeriesStore {

    private final Map<String, Long> retentionMillis = new HashMap<>();
    /**
     * Series by name, then by labels. The label map itself is the key (maps compare by content, whatever their
     * class), so a sample costs two hash lookups and no key building; each series' own sorted copy is stored.
     */
    private final Map<String, Map<Map<String, String>, Series>> byName = new HashMap<>();
    private final Map<String, HostSeries> byHost = new HashMap<>();
    private final long forgetAfterMillis;

    /** @param forgetAfterMillis a series with no sample for this long is dropped (and its staleness alert resolves) */
    public SeriesStore(long forgetAfterMillis) {
        this.forgetAfterMillis = forgetAfterMillis;
    }

    /** Keep samples of this metric for at least {@code millis} (the longest range a rule asks of it). */
    public void retain(String name, long millis) {
        retentionMillis.merge(name, millis, Math::max);
    }

    public boolean isRetained(String name) {
        return retentionMillis.containsKey(name);
    }

    public Set<String> retainedNames() {
        return Collections.unmodifiableSet(retentionMillis.keySet());
    }

    /** Adds a sample of a state series (no staleness). Unretained names are ignored. */
    public void putState(String name, Map<String, String> labels, long time, double value) {
        Series series = series(name, labels, true);
        if (series != null) {
            // Latest event wins: topics read in another order (a replay) must not leave an older state standing.
            series.add(series.size() > 0 ? Math.max(time, series.lastTime()) : time, value);
        }
    }

    /**
     * Adds a sample of an event-derived series: it holds its value like a state series, but is forgotten
     * after the forget-after once no event updates it (VM event counters, migration durations).
     */
    public void putEvent(String name, Map<String, String> labels, long time, double value) {
        Series series = series(name, labels, true);
        if (series != null) {
            series.expires = true;
            series.add(series.size() > 0 ? Math.max(time, series.lastTime()) : time, value);
        }
    }

    /** The latest value of a series, or null when it is not held. */
    public Double lastValue(String name, Map<String, String> labels) {
        Series series = byName.getOrDefault(name, Map.of()).get(labels);
        return series == null || series.size() == 0 ? null : series.lastValue();
    }

    /** Removes the state series of this name whose labels contain all of {@code match}. */
    public void removeState(String name, Map<String, String> match) {
        Map<Map<String, String>, Series> all = byName.get(name);
        if (all != null) {
            all.values().removeIf(s -> {
                s.removed = s.labels().entrySet().containsAll(match.entrySet());
                return s.removed;
            });
        }
    }

    /**
     * Starts a batch of sampled series from one host; series of that host whose name appears in the
     * batch but which the batch does not update are removed when {@link HostBatch#close} is called.
     */
    public HostBatch batch(String host) {
        HostSeries hostSeries = byHost.computeIfAbsent(host, h -> new HostSeries());
        hostSeries.batch++;
        return new HostBatch(hostSeries);
    }

    /** Calls {@code action} for every series of this name. */
    public void forEach(String name, Consumer<Series> action) {
        Map<Map<String, String>, Series> all = byName.get(name);
        if (all != null) {
            all.values().forEach(action);
        }
    }

    /** Prunes old samples and forgets series silent for longer than the forget-after. */
    public void housekeep(long now) {
        for (Map.Entry<String, Map<Map<String, String>, Series>> entry : byName.entrySet()) {
            long keep = retentionMillis.getOrDefault(entry.getKey(), 0L);
            entry.getValue().values().removeIf(s -> {
                if ((!s.isState() || s.expires) && s.size() > 0 && s.lastTime() < now - forgetAfterMillis) {
                    s.removed = true;
                    return true;
                }
                s.prune(now - keep);
                return false;
            });
        }
        for (HostSeries host : byHost.values()) {
            host.series.removeIf(s -> s.removed);
        }
    }

    public int seriesCount() {
        return byName.values().stream().mapToInt(Map::size).sum();
    }

    private Series series(String name, Map<String, String> labels, boolean state) {
        if (!retentionMillis.containsKey(name)) {
            return null;
        }
        Map<Map<String, String>, Series> all = byName.computeIfAbsent(name, n -> new HashMap<>());
        Series series = all.get(labels);
        if (series == null) {
            series = new Series(name, sortedCopy(labels), state);
            all.put(series.labels(), series);
        }
        return series;
    }

    /**
     * The labels in key order (as a TreeMap would iterate them: alerts and gauges list labels in that order), but
     * hash-based: every sample's lookup compares its label map with this one, and every selector's matchers read
     * it, so a get must not walk a tree of string comparisons.
     */
    private static Map<String, String> sortedCopy(Map<String, String> labels) {
        String[] keys = labels.keySet().toArray(new String[0]);
        java.util.Arrays.sort(keys);
        Map<String, String> copy = new java.util.LinkedHashMap<>(keys.length * 2);
        for (String key : keys) {
            copy.put(key, labels.get(key));
        }
        return Collections.unmodifiableMap(copy);
    }

    private static final class HostSeries {
        long batch;
        final List<Series> series = new ArrayList<>();
    }

    /** The samples of one host taken at one instant. */
    public final class HostBatch {

        private final HostSeries host;
        private final Set<String> names = new java.util.HashSet<>();

        private HostBatch(HostSeries host) {
            this.host = host;
        }

        /** Adds a sample; returns whether some rule needs it. */
        public boolean add(String name, Map<String, String> labels, long time, double value) {
            Long keep = retentionMillis.get(name);
            if (keep == null) {
                return false;
            }
            Series series = series(name, labels, false);
            if (series.batch == 0) {
                host.series.add(series);
            }
            series.batch = host.batch;
            series.add(time, value);
            if (keep == 0) {
                // Only the latest sample is ever read: drop the previous one now rather than let the ring grow
                // until the next housekeeping (20 samples of each of 10,000 VMs' heartbeat series at 2 Hz).
                series.prune(time);
            }
            names.add(name);
            return true;
        }

        /** Removes the host's series this batch should have updated but did not (Prometheus' staleness marker). */
        public void close() {
            if (names.isEmpty()) {
                return;
            }
            List<Series> gone = new ArrayList<>();
            host.series.removeIf(s -> {
                boolean missing = names.contains(s.name()) && s.batch != host.batch;
                if (missing) {
                    gone.add(s);
                }
                return missing;
            });
            for (Series s : gone) {
                s.removed = true;
                byName.get(s.name()).remove(s.labels());
            }
        }
    }

    Collection<Series> all(String name) {
        return byName.getOrDefault(name, Map.of()).values();
    }
}
