package io.kvmha.monitor.core.rules;

import io.kvmha.contracts.event.KvmHaEvent;
import io.kvmha.monitor.core.AlertCondition;
import io.kvmha.monitor.core.QueueingGuard;
import io.kvmha.monitor.core.expr.Element;
import io.kvmha.monitor.core.expr.Expr;
import io.kvmha.monitor.core.expr.ExprParser;
import io.kvmha.monitor.core.expr.SeriesStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The rule engine: ingests events as series ({@link EventSeries}) and evaluates the expression rules
 * over them. Thread-safe through a {@link QueueingGuard}: the series are touched under one lock, but an
 * ingesting thread never waits for an evaluation. When the lock is free it applies its event at once; when an
 * evaluation (or a gauge query) holds it, the event is queued and applied, in arrival order, before the next
 * change or read, so rules see every event that arrived before their evaluation started. Beyond
 * {@code maxPending} queued events ingestion waits, so memory stays bounded and a slow engine shows as
 * consumer lag. Evaluation only reads, so it may use several threads.
 */
public final class RuleEngine implements AutoCloseable {

    /** One rule's result at one evaluation: the conditions that hold now. */
    public record Evaluation(ExpressionRule rule, List<AlertCondition> holding) {
    }

    private static final long HOUSEKEEPING_MILLIS = 10_000;

    /** Default bound of the queue of events waiting for the lock (about 10 s of a 1,000-host cluster's heartbeats). */
    public static final int DEFAULT_MAX_PENDING = 20_000;

    private final List<ExpressionRule> rules;
    private final SeriesStore store;
    private final EventSeries events;
    /** Guards {@link #store} and {@link #events}: readers wait, ingestion queues (see the class comment). */
    private final QueueingGuard<EventSeries> guard;
    private final long lookbackMillis;
    private long housekeptAt = Long.MIN_VALUE;
    private volatile long samplesIngested;
    private volatile int seriesCount;
    /** Evaluates rules in parallel (they only read the store, under the engine's lock); null: on the caller's thread. */
    private final java.util.concurrent.ForkJoinPool pool;

    /**
     * @param lookback    how long a sampled series counts as present after its last sample
     * @param forgetAfter how long a silent sampled series is kept (and reported by {@code stale()})
     */
    public RuleEngine(List<RuleDefinition> definitions, Duration lookback, Duration forgetAfter) {
        this(definitions, lookback, forgetAfter, 1);
    }

    /** @param threads how many threads evaluate the rules (1: the calling thread alone) */
    public RuleEngine(List<RuleDefinition> definitions, Duration lookback, Duration forgetAfter, int threads) {
        this(definitions, lookback, forgetAfter, threads, DEFAULT_MAX_PENDING);
    }

    /** @param maxPending how many events may wait for the lock before ingestion waits too */
    public RuleEngine(List<RuleDefinition> definitions, Duration lookback, Duration forgetAfter, int threads,
                      int maxPending) {
        this.pool = threads > 1 ? new java.util.concurrent.ForkJoinPool(threads) : null;
        this.store = new SeriesStore(forgetAfter.toMillis());
        this.events = new EventSeries(store);
        this.guard = new QueueingGuard<>(events, maxPending);
        this.lookbackMillis = lookback.toMillis();
        List<ExpressionRule> compiled = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (RuleDefinition definition : definitions) {
            if (!names.add(definition.alert())) {
                throw new IllegalArgumentException("two rules named " + definition.alert());
            }
            ExpressionRule rule = new ExpressionRule(definition);
            retain(rule.expr());
            compiled.add(rule);
        }
        this.rules = List.copyOf(compiled);
    }

    public List<ExpressionRule> rules() {
        return rules;
    }

    /** Compiles a query (for gauges) and makes sure the series it selects are kept. */
    public Expr query(String expression) {
        Expr expr = ExprParser.parse(expression);
        return guard.read(e -> {
            retain(expr);
            return expr;
        });
    }

    public List<Element> run(Expr query, Instant now) {
        return guard.read(e -> {
            publishCounts();
            return query.eval(store, now.toEpochMilli(), lookbackMillis);
        });
    }

    /** A state series that only configuration sets, such as each tier's recovery objective. */
    public void constant(String name, java.util.Map<String, String> labels, double value) {
        guard.change(e -> store.putState(name, labels, 0, value));
    }

    public void ingest(KvmHaEvent event) {
        change(series -> series.accept(event));
    }

    public void hostRemoved(String hostId) {
        change(series -> series.hostRemoved(hostId));
    }

    public void vmRemoved(String vmId) {
        change(series -> series.vmRemoved(vmId));
    }

    /** Events still waiting for the lock (for tests and diagnostics). */
    public int pending() {
        return guard.pending();
    }

    private void change(java.util.function.Consumer<EventSeries> change) {
        guard.change(series -> {
            change.accept(series);
            samplesIngested = series.samples();
        });
    }

    /** Under the lock. */
    private void publishCounts() {
        samplesIngested = events.samples();
        seriesCount = store.seriesCount();
    }

    /** Evaluates every rule at {@code now}. */
    public List<Evaluation> evaluate(Instant now) {
        return guard.read(e -> {
            long t = now.toEpochMilli();
            if (t - housekeptAt >= HOUSEKEEPING_MILLIS) {
                store.housekeep(t);
                housekeptAt = t;
            }
            publishCounts();
            if (pool != null) {
                // Rules are independent and only read the store; ingestion queues meanwhile.
                return pool.submit(() -> rules.parallelStream()
                        .map(rule -> new Evaluation(rule, rule.evaluate(store, now, lookbackMillis)))
                        .toList()).join();
            }
            List<Evaluation> out = new ArrayList<>(rules.size());
            for (ExpressionRule rule : rules) {
                out.add(new Evaluation(rule, rule.evaluate(store, now, lookbackMillis)));
            }
            return out;
        });
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    /** Samples ingested so far (metric samples and the samples derived from events); does not wait for the lock. */
    public long samplesIngested() {
        return samplesIngested;
    }

    /** Series held, as of the last evaluation or query; does not wait for the lock. */
    public int seriesCount() {
        return seriesCount;
    }

    /**
     * Keeps each selected name's samples for the longest range a rule asks of it: an instant selector and
     * {@code stale()} read only the latest sample, which pruning always keeps. (Keeping a lookback's worth of
     * every series, as before, held ~120 samples of each of 10,000 VMs' heartbeat series for nothing.)
     */
    private void retain(Expr expr) {
        expr.selectors(store::retain);
    }
}
