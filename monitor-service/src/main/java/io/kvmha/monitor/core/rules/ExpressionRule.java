package io.kvmha.monitor.core.rules;

import io.kvmha.contracts.event.Alert;
import io.kvmha.monitor.core.AlertCondition;
import io.kvmha.monitor.core.AlertRule;
import io.kvmha.monitor.core.expr.Element;
import io.kvmha.monitor.core.expr.Expr;
import io.kvmha.monitor.core.expr.ExprParser;
import io.kvmha.monitor.core.expr.SeriesStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A {@link RuleDefinition} compiled: each element of its expression's result is one alert condition that holds. */
public final class ExpressionRule implements AlertRule {

    private final RuleDefinition definition;
    private final Expr expr;
    private final Alert.Severity severity;

    public ExpressionRule(RuleDefinition definition) {
        this.definition = definition;
        this.expr = ExprParser.parse(definition.expr());
        this.severity = definition.severity();
        definition.annotations().forEach((k, v) -> AnnotationTemplate.check(v, definition.alert() + " annotation " + k));
        definition.labels().forEach((k, v) -> AnnotationTemplate.check(v, definition.alert() + " label " + k));
    }

    public RuleDefinition definition() {
        return definition;
    }

    public Expr expr() {
        return expr;
    }

    @Override
    public String alertName() {
        return definition.alert();
    }

    @Override
    public Duration pendingFor() {
        return definition.pendingFor();
    }

    @Override
    public Duration keepFiringFor() {
        return definition.keepFiringFor();
    }

    /** The conditions that hold now: one per element of the expression's result. */
    public List<AlertCondition> evaluate(SeriesStore store, Instant now, long lookbackMillis) {
        List<Element> result = expr.eval(store, now.toEpochMilli(), lookbackMillis);
        List<AlertCondition> conditions = new ArrayList<>(result.size());
        for (Element element : result) {
            Map<String, String> labels = new HashMap<>(element.labels());
            definition.labels().forEach((k, v) -> labels.put(k, AnnotationTemplate.render(v, element.labels(), element.value())));
            labels.put("alertname", definition.alert());
            Map<String, String> annotations = new HashMap<>();
            definition.annotations().forEach((k, v) ->
                    annotations.put(k, AnnotationTemplate.render(v, labels, element.value())));
            conditions.add(AlertCondition.holds(definition.alert(), severity, labels, annotations, now));
        }
        return conditions;
    }
}
