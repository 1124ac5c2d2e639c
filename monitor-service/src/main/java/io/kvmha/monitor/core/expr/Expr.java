package io.kvmha.monitor.core.expr;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A parsed rule expression: a small subset of PromQL evaluated over the {@link SeriesStore}
 * (see the module README for the grammar and its semantics). Every node yields an instant vector;
 * a number is a vector of one element without labels.
 */
public sealed interface Expr {

    List<Element> eval(SeriesStore store, long now, long lookbackMillis);

    /** The elements whose value passes {@code keep}; selectors and range functions filter before building elements. */
    default List<Element> eval(SeriesStore store, long now, long lookbackMillis, java.util.function.DoublePredicate keep) {
        List<Element> all = eval(store, now, lookbackMillis);
        List<Element> out = new ArrayList<>();
        for (Element e : all) {
            if (keep.test(e.value())) {
                out.add(e);
            }
        }
        return out;
    }

    /** Calls {@code action} with the metric name and longest range of every selector, to size retention. */
    void selectors(java.util.function.ObjLongConsumer<String> action);

    record Number(double value) implements Expr {
        @Override
        public List<Element> eval(SeriesStore store, long now, long lookback) {
            return List.of(new Element(Map.of(), value));
        }

        @Override
        public void selectors(java.util.function.ObjLongConsumer<String> action) {
        }
    }

    /** {@code name{matchers}}: the latest sample of each matching series that is not stale. */
    record Selector(String name, List<Matcher> matchers) implements Expr {
        @Override
        public List<Element> eval(SeriesStore store, long now, long lookback) {
            return eval(store, now, lookback, v -> true);
        }

        @Override
        public List<Element> eval(SeriesStore store, long now, long lookback, java.util.function.DoublePredicate keep) {
            List<Element> out = new ArrayList<>();
            store.forEach(name, s -> {
                if (s.size() > 0 && matches(s) && (s.isState() || s.lastTime() > now - lookback)
                        && keep.test(s.lastValue())) {
                    out.add(new Element(s.labels(), s.lastValue()));
                }
            });
            return out;
        }

        boolean matches(Series s) {
            for (Matcher m : matchers) {
                if (!m.matches(s.labels())) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void selectors(java.util.function.ObjLongConsumer<String> action) {
            action.accept(name, 0);
        }
    }

    /**
     * {@code fn(selector[range])}: rate, increase, delta, avg/min/max/sum/count/last_over_time over the
     * samples in {@code (now - range, now]}; and {@code stale(selector[range])}, the series whose latest
     * sample is older than the range (value: its age in seconds).
     */
    record RangeFunction(String function, Selector selector, long rangeMillis) implements Expr {
        @Override
        public List<Element> eval(SeriesStore store, long now, long lookback) {
            return eval(store, now, lookback, v -> true);
        }

        @Override
        public List<Element> eval(SeriesStore store, long now, long lookback, java.util.function.DoublePredicate keep) {
            List<Element> out = new ArrayList<>();
            long from = now - rangeMillis;
            store.forEach(selector.name(), s -> {
                if (s.size() == 0 || !selector.matches(s)) {
                    return;
                }
                if (function.equals("stale")) {
                    double age = (now - s.lastTime()) / 1000.0;
                    if (s.lastTime() <= from && keep.test(age)) {
                        out.add(new Element(s.labels(), age));
                    }
                    return;
                }
                int first = s.firstAfter(from);
                int n = s.size() - first;
                if (n == 0) {
                    return;
                }
                double value = apply(s, first, n);
                if (!Double.isNaN(value) && keep.test(value)) {
                    out.add(new Element(s.labels(), value));
                }
            });
            return out;
        }

        /** NaN when the window has too few samples (no boxing: this runs once per series and rule). */
        private double apply(Series s, int first, int n) {
            switch (function) {
                case "last_over_time":
                    return s.lastValue();
                case "count_over_time":
                    return (double) n;
                case "delta":
                    return n < 2 ? Double.NaN : s.lastValue() - s.value(first);
                case "increase", "rate": {
                    if (n < 2) {
                        return Double.NaN;
                    }
                    double increase = 0;
                    for (int i = first + 1; i < s.size(); i++) {
                        double d = s.value(i) - s.value(i - 1);
                        increase += d >= 0 ? d : s.value(i); // a counter reset starts again from zero
                    }
                    if (function.equals("increase")) {
                        return increase;
                    }
                    double seconds = (s.lastTime() - s.time(first)) / 1000.0;
                    return seconds <= 0 ? Double.NaN : increase / seconds;
                }
                default: {
                    double sum = 0;
                    double min = Double.POSITIVE_INFINITY;
                    double max = Double.NEGATIVE_INFINITY;
                    for (int i = first; i < s.size(); i++) {
                        double v = s.value(i);
                        sum += v;
                        min = Math.min(min, v);
                        max = Math.max(max, v);
                    }
                    return switch (function) {
                        case "avg_over_time" -> sum / n;
                        case "sum_over_time" -> sum;
                        case "min_over_time" -> min;
                        case "max_over_time" -> max;
                        default -> throw new IllegalStateException(function);
                    };
                }
            }
        }

        @Override
        public void selectors(java.util.function.ObjLongConsumer<String> action) {
            // stale() only looks at the latest sample, which is always kept.
            action.accept(selector.name(), function.equals("stale") ? 0 : rangeMillis);
        }
    }

    /** {@code sum|avg|min|max|count [by (labels)] (expr)}. */
    record Aggregation(String op, List<String> by, Expr inner) implements Expr {
        @Override
        public List<Element> eval(SeriesStore store, long now, long lookback) {
            Map<String, Map<String, String>> groupLabels = new HashMap<>();
            Map<String, double[]> groups = new LinkedHashMap<>(); // sum, count, min, max
            StringBuilder key = new StringBuilder();
            for (Element e : inner.eval(store, now, lookback)) {
                key.setLength(0);
                for (String label : by) {
                    key.append(e.labels().getOrDefault(label, "")).append('\0');
                }
                String k = key.toString();
                double[] g = groups.get(k);
                if (g == null) {
                    g = new double[] {0, 0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
                    groups.put(k, g);
                    Map<String, String> labels = new TreeMap<>();
                    for (String label : by) {
                        String v = e.labels().get(label);
                        if (v != null) {
                            labels.put(label, v);
                        }
                    }
                    groupLabels.put(k, Map.copyOf(labels));
                }
                g[0] += e.value();
                g[1]++;
                g[2] = Math.min(g[2], e.value());
                g[3] = Math.max(g[3], e.value());
            }
            List<Element> out = new ArrayList<>(groups.size());
            groups.forEach((k, g) -> out.add(new Element(groupLabels.get(k), switch (op) {
                case "sum" -> g[0];
                case "count" -> g[1];
                case "avg" -> g[0] / g[1];
                case "min" -> g[2];
                case "max" -> g[3];
                default -> throw new IllegalStateException(op);
            })));
            return out;
        }

        @Override
        public void selectors(java.util.function.ObjLongConsumer<String> action) {
            inner.selectors(action);
        }
    }

    /**
     * Arithmetic ({@code + - * /}) and comparison ({@code > < >= <= == !=}, filtering: the left value
     * is kept where the comparison holds). Between two vectors, elements match on identical label sets;
     * a side without labels (a number, or an aggregation without {@code by}) matches every element.
     */
    record Binary(String op, Expr left, Expr right) implements Expr {

        private static final Set<String> COMPARISONS = Set.of(">", "<", ">=", "<=", "==", "!=");

        @Override
        public List<Element> eval(SeriesStore store, long now, long lookback) {
            if (COMPARISONS.contains(op) && right instanceof Number threshold) {
                return left.eval(store, now, lookback, comparedWith(threshold.value()));
            }
            List<Element> l = left.eval(store, now, lookback);
            List<Element> r = right.eval(store, now, lookback);
            List<Element> out = new ArrayList<>();
            if (isScalar(right) || (r.size() == 1 && r.get(0).labels().isEmpty() && !(l.size() == 1 && l.get(0).labels().isEmpty()))) {
                if (!r.isEmpty()) {
                    for (Element e : l) {
                        combine(e, e.value(), r.get(0).value(), e.labels(), out);
                    }
                }
            } else if (isScalar(left) || (l.size() == 1 && l.get(0).labels().isEmpty())) {
                if (!l.isEmpty()) {
                    for (Element e : r) {
                        combine(e, l.get(0).value(), e.value(), e.labels(), out);
                    }
                }
            } else {
                Map<Map<String, String>, Double> right = new HashMap<>();
                r.forEach(e -> right.put(e.labels(), e.value()));
                for (Element e : l) {
                    Double rv = right.get(e.labels());
                    if (rv != null) {
                        combine(e, e.value(), rv, e.labels(), out);
                    }
                }
            }
            return out;
        }

        private boolean compare(double a, double b) {
            return comparedWith(b).test(a);
        }

        /** The operator resolved once per evaluation, not per element (a String switch per sample is costly). */
        private java.util.function.DoublePredicate comparedWith(double b) {
            return switch (op) {
                case ">" -> a -> a > b;
                case "<" -> a -> a < b;
                case ">=" -> a -> a >= b;
                case "<=" -> a -> a <= b;
                case "==" -> a -> a == b;
                default -> a -> a != b;
            };
        }

        private static boolean isScalar(Expr e) {
            return e instanceof Number;
        }

        private void combine(Element source, double a, double b, Map<String, String> labels, List<Element> out) {
            if (COMPARISONS.contains(op)) {
                if (compare(a, b)) {
                    out.add(new Element(labels, a));
                }
                return;
            }
            double v = switch (op) {
                case "+" -> a + b;
                case "-" -> a - b;
                case "*" -> a * b;
                case "/" -> a / b;
                default -> throw new IllegalStateException(op);
            };
            if (!Double.isNaN(v)) {
                out.add(new Element(labels, v));
            }
        }

        @Override
        public void selectors(java.util.function.ObjLongConsumer<String> action) {
            left.selectors(action);
            right.selectors(action);
        }
    }
}
