package io.kvmha.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Prints JSON as is for scripts, or aligned tables for people. */
final class Printer {

    private final PrintWriter out;
    private final KvmhaCli.Output output;
    private final JsonMapper json = JsonMapper.builder().build();

    Printer(PrintWriter out, KvmhaCli.Output output) {
        this.out = out;
        this.output = output;
    }

    boolean json() {
        return output == KvmhaCli.Output.json;
    }

    /** The result as JSON for scripts, or as the given text for people. */
    void result(JsonNode result, Runnable asText) {
        if (json()) {
            printJson(result);
        } else {
            asText.run();
        }
    }

    /** Rows as JSON for scripts, or as a table of the given columns for people. */
    void rows(JsonNode rows, String... columns) {
        result(rows, () -> table(rows, columns));
    }

    void printJson(Object value) {
        out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(value));
    }

    /** A table of the given columns (JSON field names), headed by their upper-case names. */
    void table(JsonNode rows, String... columns) {
        List<String[]> lines = new ArrayList<>();
        String[] header = new String[columns.length];
        for (int i = 0; i < columns.length; i++) {
            header[i] = columns[i].replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase();
        }
        lines.add(header);
        for (JsonNode row : rows) {
            String[] line = new String[columns.length];
            for (int i = 0; i < columns.length; i++) {
                line[i] = text(row.path(columns[i]));
            }
            lines.add(line);
        }
        int[] widths = new int[columns.length];
        for (String[] line : lines) {
            for (int i = 0; i < line.length; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        for (String[] line : lines) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < line.length; i++) {
                sb.append(i == line.length - 1 ? line[i] : String.format("%-" + widths[i] + "s  ", line[i]));
            }
            out.println(sb.toString().stripTrailing());
        }
    }

    void line(String text) {
        out.println(text);
    }

    static String text(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return "-";
        }
        if (node.isValueNode()) {
            return node.asString();
        }
        return node.toString();
    }
}
