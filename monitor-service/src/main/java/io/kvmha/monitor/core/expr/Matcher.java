package io.kvmha.monitor.core.expr;

import java.util.Map;
import java.util.regex.Pattern;

/** A label matcher of a selector: {@code =}, {@code !=}, {@code =~}, {@code !~} (regexes fully anchored). */
public record Matcher(String label, String op, String value, Pattern pattern) {

    static Matcher of(String label, String op, String value) {
        Pattern pattern = op.contains("~") ? Pattern.compile(value) : null;
        return new Matcher(label, op, value, pattern);
    }

    boolean matches(Map<String, String> labels) {
        String actual = labels.getOrDefault(label, "");
        return switch (op) {
            case "=" -> actual.equals(value);
            case "!=" -> !actual.equals(value);
            case "=~" -> pattern.matcher(actual).matches();
            case "!~" -> !pattern.matcher(actual).matches();
            default -> throw new IllegalStateException(op);
        };
    }
}
