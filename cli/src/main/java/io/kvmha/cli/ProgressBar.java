package io.kvmha.cli;

import java.io.PrintWriter;

/**
 * A progress bar for drains, migrations and evacuations: {@code drain h1 [#######.......] 3/6 VMs moved}.
 * On a terminal it is redrawn in place; otherwise (pipes, logs, tests) a line is printed only when it
 * changes, so a script's log shows each step once.
 */
final class ProgressBar {

    static final int WIDTH = 24;

    private final PrintWriter out;
    private final boolean redraw;
    private String last;

    ProgressBar(PrintWriter out, boolean terminal) {
        this.out = out;
        this.redraw = terminal;
    }

    /** The bar as text: {@code label [####....] done/total unit  detail}; an unknown total shows no bar yet. */
    static String render(String label, long done, long total, String unit, String detail) {
        StringBuilder line = new StringBuilder(label).append(' ');
        if (total <= 0) {
            line.append('[').append(".".repeat(WIDTH)).append("] -/- ").append(unit);
        } else {
            long clamped = Math.max(0, Math.min(done, total));
            int filled = (int) (WIDTH * clamped / total);
            line.append('[').append("#".repeat(filled)).append(".".repeat(WIDTH - filled)).append("] ")
                    .append(clamped).append('/').append(total).append(' ').append(unit);
        }
        if (detail != null && !detail.isBlank()) {
            line.append("  ").append(detail);
        }
        return line.toString();
    }

    void update(String label, long done, long total, String unit, String detail) {
        String line = render(label, done, total, unit, detail);
        if (line.equals(last)) {
            return;
        }
        if (redraw) {
            // Pad over a longer previous line, stay on this line until finish().
            int pad = last == null ? 0 : Math.max(0, last.length() - line.length());
            out.print("\r" + line + " ".repeat(pad));
            out.flush();
        } else {
            out.println(line);
        }
        last = line;
    }

    /** Ends the in-place line so that what follows starts on a new one. */
    void finish() {
        if (redraw && last != null) {
            out.println();
        }
        last = null;
    }
}
