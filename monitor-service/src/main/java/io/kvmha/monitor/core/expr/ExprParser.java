package io.kvmha.monitor.core.expr;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Parses the rule expression language, a PromQL subset:
 * <pre>
 * expr       := sum (cmp-op sum)?                 cmp-op: &gt; &lt; &gt;= &lt;= == !=
 * sum        := product (('+' | '-') product)*
 * product    := primary (('*' | '/') primary)*
 * primary    := number | '(' expr ')' | aggregation | function | selector
 * aggregation:= (sum|avg|min|max|count) ['by' '(' label,* ')'] '(' expr ')' ['by' '(' label,* ')']
 * function   := (rate|increase|delta|avg_over_time|min_over_time|max_over_time|sum_over_time
 *               |count_over_time|last_over_time|stale) '(' selector '[' duration ']' ')'
 * selector   := name ['{' label (=|!=|=~|!~) "value" ,* '}']
 * duration   := digits (ms|s|m|h|d)
 * </pre>
 */
public final class ExprParser {

    private static final Set<String> AGGREGATIONS = Set.of("sum", "avg", "min", "max", "count");
    private static final Set<String> RANGE_FUNCTIONS = Set.of("rate", "increase", "delta", "avg_over_time",
            "min_over_time", "max_over_time", "sum_over_time", "count_over_time", "last_over_time", "stale");

    private final String text;
    private int pos;

    private ExprParser(String text) {
        this.text = text;
    }

    /** @throws IllegalArgumentException naming the position of the first error */
    public static Expr parse(String text) {
        ExprParser parser = new ExprParser(text);
        Expr expr = parser.comparison();
        parser.skipSpace();
        if (parser.pos != text.length()) {
            throw parser.error("unexpected '" + text.substring(parser.pos) + "'");
        }
        return expr;
    }

    private Expr comparison() {
        Expr left = sum();
        for (String op : List.of(">=", "<=", "==", "!=", ">", "<")) {
            if (accept(op)) {
                return new Expr.Binary(op, left, sum());
            }
        }
        return left;
    }

    private Expr sum() {
        Expr left = product();
        while (true) {
            if (accept("+")) {
                left = new Expr.Binary("+", left, product());
            } else if (peek() == '-' ) {
                pos++;
                left = new Expr.Binary("-", left, product());
            } else {
                return left;
            }
        }
    }

    private Expr product() {
        Expr left = primary();
        while (true) {
            if (accept("*")) {
                left = new Expr.Binary("*", left, primary());
            } else if (accept("/")) {
                left = new Expr.Binary("/", left, primary());
            } else {
                return left;
            }
        }
    }

    private Expr primary() {
        skipSpace();
        char c = peek();
        if (Character.isDigit(c) || c == '.' || c == '-') {
            return new Expr.Number(number());
        }
        if (accept("(")) {
            Expr inner = comparison();
            expect(")");
            return inner;
        }
        String name = identifier();
        if (AGGREGATIONS.contains(name) && (lookingAt("(") || lookingAt("by"))) {
            List<String> by = accept("by") ? labelList() : List.of();
            expect("(");
            Expr inner = comparison();
            expect(")");
            if (by.isEmpty() && accept("by")) {
                by = labelList();
            }
            return new Expr.Aggregation(name, by, inner);
        }
        if (RANGE_FUNCTIONS.contains(name) && lookingAt("(")) {
            expect("(");
            Expr.Selector selector = selector(identifier());
            expect("[");
            long range = duration();
            expect("]");
            expect(")");
            return new Expr.RangeFunction(name, selector, range);
        }
        return selector(name);
    }

    private Expr.Selector selector(String name) {
        List<Matcher> matchers = new ArrayList<>();
        if (accept("{")) {
            while (!accept("}")) {
                String label = identifier();
                String op = accept("=~") ? "=~" : accept("!~") ? "!~" : accept("!=") ? "!=" : accept("=") ? "=" : null;
                if (op == null) {
                    throw error("expected a label matcher operator");
                }
                matchers.add(Matcher.of(label, op, string()));
                if (!accept(",")) {
                    expect("}");
                    break;
                }
            }
        }
        return new Expr.Selector(name, List.copyOf(matchers));
    }

    private List<String> labelList() {
        expect("(");
        List<String> labels = new ArrayList<>();
        while (!accept(")")) {
            labels.add(identifier());
            if (!accept(",")) {
                expect(")");
                break;
            }
        }
        return List.copyOf(labels);
    }

    private long duration() {
        skipSpace();
        int start = pos;
        while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
            pos++;
        }
        if (start == pos) {
            throw error("expected a duration");
        }
        long n = Long.parseLong(text.substring(start, pos));
        if (accept("ms")) {
            return n;
        }
        for (String unit : List.of("s", "m", "h", "d")) {
            if (accept(unit)) {
                return n * switch (unit) {
                    case "s" -> 1_000L;
                    case "m" -> 60_000L;
                    case "h" -> 3_600_000L;
                    default -> 86_400_000L;
                };
            }
        }
        throw error("expected a duration unit (ms, s, m, h, d)");
    }

    private double number() {
        skipSpace();
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        while (pos < text.length() && (Character.isDigit(text.charAt(pos)) || "._eE".indexOf(text.charAt(pos)) >= 0)) {
            pos++;
        }
        try {
            return Double.parseDouble(text.substring(start, pos).replace("_", ""));
        } catch (NumberFormatException e) {
            throw error("bad number '" + text.substring(start, pos) + "'");
        }
    }

    private String string() {
        skipSpace();
        char quote = peek();
        if (quote != '"' && quote != '\'') {
            throw error("expected a quoted string");
        }
        int end = text.indexOf(quote, pos + 1);
        if (end < 0) {
            throw error("unterminated string");
        }
        String value = text.substring(pos + 1, end);
        pos = end + 1;
        return value;
    }

    private String identifier() {
        skipSpace();
        int start = pos;
        while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_'
                || text.charAt(pos) == ':')) {
            pos++;
        }
        if (start == pos) {
            throw error("expected a name");
        }
        return text.substring(start, pos);
    }

    private boolean lookingAt(String token) {
        skipSpace();
        return text.startsWith(token, pos);
    }

    private boolean accept(String token) {
        if (lookingAt(token)) {
            pos += token.length();
            return true;
        }
        return false;
    }

    private void expect(String token) {
        if (!accept(token)) {
            throw error("expected '" + token + "'");
        }
    }

    private char peek() {
        skipSpace();
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private IllegalArgumentException error(String message) {
        return new IllegalArgumentException(message + " at position " + pos + " of: " + text);
    }
}
