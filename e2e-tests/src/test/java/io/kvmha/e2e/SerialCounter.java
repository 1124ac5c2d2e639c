package io.kvmha.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The counter a testbed guest prints to its serial log ({@code kvmha-counter XXXXXXXX}, hex, one line per ~220 ms):
 * it lives in a guest register, so it continues across a live migration and starts again at 1 after a cold start.
 */
public final class SerialCounter {

    private static final String PREFIX = "kvmha-counter ";

    private SerialCounter() {
    }

    /** Every counter value in the log, in order. */
    public static List<Long> values(Path log) throws IOException {
        List<Long> values = new ArrayList<>();
        if (!Files.exists(log)) {
            return values;
        }
        for (String line : Files.readAllLines(log, StandardCharsets.ISO_8859_1)) {
            int at = line.indexOf(PREFIX);
            String hex = at < 0 ? "" : line.substring(at + PREFIX.length()).strip();
            if (hex.length() == 8) {
                try {
                    values.add(Long.parseLong(hex, 16));
                } catch (NumberFormatException ignored) {
                    // A line cut by a crash.
                }
            }
        }
        return values;
    }

    /** The last value, or 0 when there is none. */
    public static long last(Path log) throws IOException {
        List<Long> values = values(log);
        return values.isEmpty() ? 0 : values.get(values.size() - 1);
    }

    /** How many times the counter started again at 1 (cold boots) in the log. */
    public static int boots(Path log) throws IOException {
        return (int) values(log).stream().filter(v -> v == 1).count();
    }

    /** Whether every value is one more than the one before, across the whole log from index {@code from}. */
    public static boolean continuous(List<Long> values, int from) {
        for (int i = Math.max(1, from); i < values.size(); i++) {
            if (values.get(i) != values.get(i - 1) + 1) {
                return false;
            }
        }
        return true;
    }
}
