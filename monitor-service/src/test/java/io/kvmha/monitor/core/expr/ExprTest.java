package io.kvmha.monitor.core.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The expression language: parsing, range functions, aggregation, vector matching, staleness. */
class ExprTest {

    final SeriesStore store = new SeriesStore(3_600_000);

    List<Element> eval(String expr, long now) {
        Expr e = ExprParser.parse(expr);
        e.selectors((name, range) -> store.retain(name, range + 60_000));
        return e.eval(store, now, 60_000);
    }

    void sampled(String host, long t, String name, double value, String... labels) {
        var batch = store.batch(host);
        Map<String, String> map = new java.util.HashMap<>(Map.of("host", host));
        for (int i = 0; i < labels.length; i += 2) {
            map.put(labels[i], labels[i + 1]);
        }
        store.retain(name, 600_000);
        batch.add(name, map, t, value);
        batch.close();
    }

    @Test
    void parsesTheSubsetAndRejectsTheRestWithAPosition() {
        assertThat(ExprParser.parse("sum by (host) (rate(x{a=\"b\", c=~\"d|e\"}[5m])) > 0.5 * 2")).isInstanceOf(Expr.Binary.class);
        assertThat(ExprParser.parse("max(x) by (host)")).isInstanceOf(Expr.Aggregation.class);
        assertThat(ExprParser.parse("stale(x[30s])")).isInstanceOf(Expr.RangeFunction.class);
        assertThatThrownBy(() -> ExprParser.parse("rate(x[5q])")).hasMessageContaining("duration unit");
        assertThatThrownBy(() -> ExprParser.parse("x{a=b}")).hasMessageContaining("position");
        assertThatThrownBy(() -> ExprParser.parse("x >")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rangeFunctionsOverTheWindowWithCounterResets() {
        for (int i = 0; i <= 6; i++) {
            sampled("h1", i * 10_000L, "c_total", i == 4 ? 1 : i * 10); // 0 10 20 30 | reset 1 50 60
        }
        // window (0, 60 s]: 10 20 30 1 50 60 -> 10 + 10 + 1 (reset) + 49 + 10
        assertThat(eval("increase(c_total[60s])", 60_000)).singleElement().extracting(Element::value).isEqualTo(80.0);
        assertThat(eval("max_over_time(c_total[25s])", 60_000)).singleElement().extracting(Element::value).isEqualTo(60.0);
        assertThat(eval("count_over_time(c_total[25s])", 60_000)).singleElement().extracting(Element::value).isEqualTo(3.0); // 40, 50, 60 s
        assertThat(eval("avg_over_time(c_total[25s])", 60_000)).singleElement().extracting(Element::value).isEqualTo(37.0); // (1 + 50 + 60) / 3
    }

    @Test
    void aggregationAndOneToOneMatching() {
        store.retain("mem", 0);
        store.retain("free", 0);
        store.putState("mem", Map.of("host", "a", "cell", "0"), 0, 100);
        store.putState("mem", Map.of("host", "a", "cell", "1"), 0, 100);
        store.putState("free", Map.of("host", "a", "cell", "0"), 0, 90);
        store.putState("free", Map.of("host", "a", "cell", "1"), 0, 10);
        assertThat(eval("max by (host) (free / mem) - min by (host) (free / mem)", 1)).singleElement()
                .satisfies(e -> {
                    assertThat(e.labels()).isEqualTo(Map.of("host", "a"));
                    assertThat(e.value()).isEqualTo(0.8, org.assertj.core.data.Offset.offset(1e-9));
                });
        assertThat(eval("sum(mem) - max(mem) > 0", 1)).singleElement().extracting(Element::value).isEqualTo(100.0);
        assertThat(eval("count(free < 50)", 1)).singleElement().extracting(Element::value).isEqualTo(1.0);
    }

    @Test
    void sampledSeriesGoStaleAfterTheLookbackStateSeriesDoNot() {
        sampled("h1", 0, "temp", 42);
        store.retain("state", 0);
        store.putState("state", Map.of("host", "h1"), 0, 1);
        assertThat(eval("temp", 59_000)).hasSize(1);
        assertThat(eval("temp", 61_000)).isEmpty();
        assertThat(eval("state", 3_600_000)).hasSize(1);
        assertThat(eval("stale(temp[30s])", 45_000)).singleElement().extracting(Element::value).isEqualTo(45.0);
        assertThat(eval("stale(temp[30s])", 20_000)).isEmpty();
    }

    @Test
    void unselectedMetricsAreNotStored() {
        sampled("h1", 0, "wanted", 1);
        var batch = store.batch("h1");
        assertThat(batch.add("unwanted", Map.of("host", "h1"), 0, 1)).isFalse();
        batch.close();
        assertThat(store.retainedNames()).doesNotContain("unwanted");
    }
}
