package io.kvmha.monitor.core.rules;

import io.kvmha.contracts.event.KvmHaEvent;
import io.kvmha.contracts.testing.VirtualClock;
import io.kvmha.monitor.core.AlertInstance;
import io.kvmha.monitor.core.AlertState;
import io.kvmha.monitor.core.AlertTracker;
import io.kvmha.monitor.core.AlertTransition;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.yaml.snakeyaml.Yaml;

/** The rule engine and the alert tracker on a virtual clock, as the service runs them. */
public final class RuleScenario {

    static final Instant T0 = Instant.parse("2026-11-27T12:00:00Z");

    final VirtualClock clock = new VirtualClock(T0);
    final RuleEngine engine;
    final AlertTracker tracker;
    final List<AlertTransition> sent = new ArrayList<>();

    RuleScenario(List<RuleDefinition> rules) {
        engine = new RuleEngine(rules, Duration.ofMinutes(1), Duration.ofHours(1));
        engine.constant("kvmha_recovery_objective_seconds", Map.of("tier", "gold"), 10);
        engine.constant("kvmha_recovery_objective_seconds", Map.of("tier", "silver"), 30);
        engine.constant("kvmha_recovery_objective_seconds", Map.of("tier", "bronze"), 120);
        tracker = new AlertTracker(engine.rules(), clock);
    }

    static RuleScenario shipped() {
        return new RuleScenario(shippedRules());
    }

    /** The rules the service ships (monitor-rules.yml), as it loads them. */
    public static List<RuleDefinition> shippedRules() {
        try (InputStream in = RuleScenario.class.getResourceAsStream("/monitor-rules.yml")) {
            return RuleFile.read(new Yaml().load(in), "monitor-rules.yml");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    RuleScenario at(Instant time) {
        clock.advance(Duration.between(clock.instant(), time));
        return this;
    }

    RuleScenario ingest(KvmHaEvent event) {
        engine.ingest(event);
        return this;
    }

    /** Evaluates every rule now, as one tick of the service's timer. */
    RuleScenario evaluate() {
        Instant now = clock.instant();
        for (RuleEngine.Evaluation e : engine.evaluate(now)) {
            tracker.reconcile(e.rule().alertName(), e.holding(), now, sent::add);
        }
        tracker.tick(sent::add);
        return this;
    }

    /** Every {@code step} from now until {@code end}: the events {@code events} yields for that time, then an evaluation. */
    RuleScenario run(Duration step, Instant end, Function<Instant, List<KvmHaEvent>> events) {
        for (Instant t = clock.instant(); !t.isAfter(end); t = t.plus(step)) {
            at(t);
            events.apply(t).forEach(engine::ingest);
            evaluate();
        }
        return this;
    }

    List<AlertInstance> firing(String name) {
        return tracker.active().stream().filter(a -> a.name().equals(name) && a.state() == AlertState.FIRING).toList();
    }

    List<AlertInstance> resolved(String name) {
        return sent.stream().map(AlertTransition::alert)
                .filter(a -> a.name().equals(name) && a.state() == AlertState.RESOLVED).toList();
    }
}
