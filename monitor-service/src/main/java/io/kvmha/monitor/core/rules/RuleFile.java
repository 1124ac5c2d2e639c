package io.kvmha.monitor.core.rules;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a rule file already parsed from YAML into maps and lists, in Prometheus' rule-file layout:
 * {@code groups: [{name, rules: [{alert, expr, for, keep_firing_for, labels, annotations}]}]}.
 */
public final class RuleFile {

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private RuleFile() {
    }

    public static List<RuleDefinition> read(Object yaml, String source) {
        List<RuleDefinition> rules = new ArrayList<>();
        for (Object group : list(map(yaml, source).get("groups"), source + ": groups")) {
            Map<String, Object> g = map(group, source + ": group");
            for (Object rule : list(g.get("rules"), source + ": group " + g.get("name") + " rules")) {
                Map<String, Object> r = map(rule, source + ": rule");
                String where = source + ": rule " + r.get("alert");
                try {
                    rules.add(new RuleDefinition(string(r.get("alert"), where + " alert"),
                            string(r.get("expr"), where + " expr"), duration(r.get("for")),
                            duration(r.get("keep_firing_for")), strings(r.get("labels")), strings(r.get("annotations"))));
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
                }
            }
        }
        return rules;
    }

    /** Prometheus durations: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h30m}, {@code 1d}. */
    public static Duration duration(Object value) {
        if (value == null) {
            return Duration.ZERO;
        }
        String text = value.toString().trim();
        Matcher m = DURATION.matcher(text);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                break;
            }
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            });
            end = m.end();
        }
        if (end != text.length() || text.isEmpty()) {
            throw new IllegalArgumentException("bad duration '" + text + "'");
        }
        return total;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value, String where) {
        if (!(value instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException(where + " must be a mapping");
        }
        return (Map<String, Object>) m;
    }

    private static List<?> list(Object value, String where) {
        if (!(value instanceof List<?> l)) {
            throw new IllegalArgumentException(where + " must be a list");
        }
        return l;
    }

    private static String string(Object value, String where) {
        if (value == null) {
            throw new IllegalArgumentException(where + " is missing");
        }
        return value.toString();
    }

    private static Map<String, String> strings(Object value) {
        Map<String, String> out = new LinkedHashMap<>();
        if (value instanceof Map<?, ?> m) {
            m.forEach((k, v) -> out.put(k.toString(), v == null ? "" : v.toString()));
        }
        return out;
    }
}
