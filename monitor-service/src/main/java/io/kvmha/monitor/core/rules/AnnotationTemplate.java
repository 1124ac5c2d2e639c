package io.kvmha.monitor.core.rules;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of Prometheus' annotation templating the rules use: {@code {{ $labels.name }}},
 * {@code {{ $value }}} and {@code {{ $value | humanize }}} (value with SI suffix), with any spacing.
 * An unknown label renders empty, as in Prometheus.
 */
public final class AnnotationTemplate {

    private static final Pattern PLACEHOLDER =
            Pattern.compile("\\{\\{\\s*\\$(labels\\.([A-Za-z_][A-Za-z0-9_]*)|value)\\s*(\\|\\s*(humanize|humanizePercentage|humanizeDuration)\\s*)?}}");

    private AnnotationTemplate() {
    }

    public static String render(String template, Map<String, String> labels, double value) {
        if (!template.contains("{{")) {
            return template;
        }
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement;
            if (m.group(2) != null) {
                replacement = labels.getOrDefault(m.group(2), "");
            } else if (m.group(4) == null) {
                replacement = plain(value);
            } else {
                replacement = switch (m.group(4)) {
                    case "humanizePercentage" -> plain(value * 100) + "%";
                    case "humanizeDuration" -> plain(value) + "s";
                    default -> humanize(value);
                };
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Also validates: every {{ ... }} must be a placeholder this class understands. */
    public static void check(String template, String where) {
        String stripped = PLACEHOLDER.matcher(template).replaceAll("");
        if (stripped.contains("{{")) {
            throw new IllegalArgumentException(where + ": unsupported template in '" + template + "'");
        }
    }

    static String plain(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return String.format(Locale.ROOT, "%.3g", value);
    }

    static String humanize(double value) {
        String[] units = {"", "k", "M", "G", "T", "P"};
        int i = 0;
        double v = value;
        while (Math.abs(v) >= 1000 && i < units.length - 1) {
            v /= 1000;
            i++;
        }
        return plain(v) + units[i];
    }
}
