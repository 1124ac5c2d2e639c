package io.kvmha.monitor.core.rules;

import io.kvmha.contracts.event.KvmHaEvent;
import io.kvmha.monitor.core.AlertCondition;
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
 * over them. Thread-safe: ingestion (Kafka listener threads) and evaluation (the timer) take turns
 * on one fair lock; evaluation only reads, so it may use several threads.
 */
public final class RuleEngine implements AutoCloseable {

    /** One rule's result at one evaluation: the conditions that hold now. */
    public record Evaluation(ExpressionRule rule, List<AlertCondition> holding) {
    }

    private static final long HOUSEKEEPING_MILLIS = 10_000;

    private final List<ExpressionRule> rules;
    private final SeriesStore store;
    private final EventSeries events;
    private final long lookbackMillis;
    private long housekeptAt = Long.MIN_VALUE;
    /**
     * Fair, so that a Kafka listener waiting to ingest gets its turn between two evaluations even when
     * evaluations run back to back (an unfair lock let the evaluator starve ingestion under load).
     */
    private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock(true);
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
        this.pool = threads > 1 ? new java.util.concurrent.ForkJoinPool(threads) : null;
        this.store = new SeriesStore(forgetAfter.toMillis());
        this.events = new EventSeries(store);
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
        lock.lock();
        try {
            Expr expr = ExprParser.parse(expression);
            retain(expr);
            return expr;
        } finally {
            lock.unlock();
        }
    }

    public List<Element> run(Expr query, Instant now) {
        lock.lock();
        try {
            return query.eval(store, now.toEpochMilli(), lookbackMillis);
        } finally {
            lock.unlock();
        }
    }

    /** A state series that only configuration sets, such as each tier's recovery objective. */
    public void constant(String name, java.util.Map<String, String> labels, double value) {
        lock.lock();
        try {
            store.putState(name, labels, 0, value);
        } finally {
            lock.unlock();
        }
    }

    public void ingest(KvmHaEvent event) {
        lock.lock();
        try {
            events.accept(event);
        } finally {
            lock.unlock();
        }
    }

    public void hostRemoved(String hostId) {
        lock.lock();
        try {
            events.hostRemoved(hostId);
        } finally {
            lock.unlock();
        }
    }

    public void vmRemoved(String vmId) {
        lock.lock();
        try {
            events.vmRemoved(vmId);
        } finally {
            lock.unlock();
        }
    }

    /** Evaluates every rule at {@code now}. */
    public List<Evaluation> evaluate(Instant now) {
        lock.lock();
        try {
            long t = now.toEpochMilli();
            if (t - housekeptAt >= HOUSEKEEPING_MILLIS) {
                store.housekeep(t);
                housekeptAt = t;
            }
            if (pool != null) {
                // Rules are independent and only read the store; ingestion waits for the lock meanwhile.
                return pool.submit(() -> rules.parallelStream()
                        .map(rule -> new Evaluation(rule, rule.evaluate(store, now, lookbackMillis)))
                        .toList()).join();
            }
            List<Evaluation> out = new ArrayList<>(rules.size());
            for (ExpressionRule rule : rules) {
                out.add(new Evaluation(rule, rule.evaluate(store, now, lookbackMillis)));
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    /** Samples ingested so far (metric samples and the samples derived from events). */
    public long samplesIngested() {
        lock.lock();
        try {
            return events.samples();
        } finally {
            lock.unlock();
        }
    }

    public int seriesCount() {
        lock.lock();
        try {
            return store.seriesCount();
        } finally {
            lock.unlock();
        }
    }

    private void retain(Expr expr) {
        expr.selectors((name, range) -> store.retain(name, range + lookbackMillis));
    }
}
