package io.kvmha.agent.core;

import io.kvmha.contracts.event.CommandResult;
import io.kvmha.contracts.event.HostCommand;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * One line of a {@link FileCommandJournal}: tab-separated fields, then the CRC-32 of everything before it (a line
 * torn or garbled by a crash is recognised and skipped instead of being believed). Two kinds:
 * <pre>
 * S  commandId action vmId startedAt                                                            crc
 * R  commandId action vmId startedAt hostId outcome error durationMs incidentId completedAt
 *    progressPercent detail                                                                     crc
 * </pre>
 * {@code R} carries the whole entry, so compaction writes one line per command. Tabs, line breaks and backslashes in
 * values are escaped ({@code \t \n \r \\}); a null value is {@code \N}.
 */
final class JournalLine {

    private static final String NULL = "\\N";
    private static final int STARTED_FIELDS = 5;
    private static final int FINISHED_FIELDS = 13;

    private JournalLine() {
    }

    static String started(CommandJournal.Entry entry) {
        return seal(List.of("S", esc(entry.commandId()), esc(name(entry.action())), esc(entry.vmId()),
                esc(text(entry.startedAt()))));
    }

    /** The whole entry; its result must be known. */
    static String finished(CommandJournal.Entry entry) {
        CommandResult r = entry.result();
        return seal(List.of("R", esc(entry.commandId()), esc(name(entry.action())), esc(entry.vmId()),
                esc(text(entry.startedAt())), esc(r.hostId()), r.outcome().name(), esc(r.error()),
                Long.toString(r.durationMs()), esc(r.incidentId()), r.completedAt().toString(),
                esc(r.progressPercent() == null ? null : r.progressPercent().toString()), esc(r.detail())));
    }

    /** The line as it is written: sealed entries, or the entry's start only while its outcome is unknown. */
    static String of(CommandJournal.Entry entry) {
        return entry.result() == null ? started(entry) : finished(entry);
    }

    /**
     * Reads a line (without its line break).
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    static CommandJournal.Entry parse(String line) {
        int lastTab = line.lastIndexOf('\t');
        if (lastTab < 0) {
            throw new IllegalArgumentException("no fields");
        }
        String body = line.substring(0, lastTab);
        if (!crc(body).equals(line.substring(lastTab + 1))) {
            throw new IllegalArgumentException("checksum mismatch");
        }
        String[] f = body.split("\t", -1);
        String kind = f[0];
        int expected = "S".equals(kind) ? STARTED_FIELDS : "R".equals(kind) ? FINISHED_FIELDS : -1;
        if (expected < 0) {
            throw new IllegalArgumentException("unknown kind '" + kind + "'");
        }
        if (f.length != expected) {
            throw new IllegalArgumentException(f.length + " fields, expected " + expected);
        }
        try {
            String commandId = unesc(f[1]);
            HostCommand.Action action = f[2].equals(NULL) ? null : HostCommand.Action.valueOf(unesc(f[2]));
            String vmId = unesc(f[3]);
            Instant startedAt = instant(unesc(f[4]));
            if (commandId == null || commandId.isEmpty()) {
                throw new IllegalArgumentException("no command id");
            }
            if ("S".equals(kind)) {
                return new CommandJournal.Entry(commandId, action, vmId, startedAt, null);
            }
            String percent = unesc(f[11]);
            CommandResult result = new CommandResult(commandId, unesc(f[5]), vmId, action,
                    CommandResult.Outcome.valueOf(f[6]), unesc(f[7]), Long.parseLong(f[8]), unesc(f[9]),
                    Instant.parse(f[10]), percent == null ? null : Integer.valueOf(percent), unesc(f[12]));
            return new CommandJournal.Entry(commandId, action, vmId, startedAt, result);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    private static String seal(List<String> fields) {
        String body = String.join("\t", fields);
        return body + "\t" + crc(body);
    }

    private static String crc(String body) {
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.UTF_8));
        return String.format("%08x", crc.getValue());
    }

    private static String name(HostCommand.Action action) {
        return action == null ? null : action.name();
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    private static Instant instant(String text) {
        return text == null ? null : Instant.parse(text);
    }

    static String esc(String value) {
        if (value == null) {
            return NULL;
        }
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    static String unesc(String field) {
        if (field.equals(NULL)) {
            return null;
        }
        if (field.indexOf('\\') < 0) {
            return field;
        }
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (++i == field.length()) {
                throw new IllegalArgumentException("dangling escape");
            }
            char e = field.charAt(i);
            out.append(switch (e) {
                case '\\' -> '\\';
                case 't' -> '\t';
                case 'n' -> '\n';
                case 'r' -> '\r';
                default -> throw new IllegalArgumentException("bad escape \\" + e);
            });
        }
        return out.toString();
    }

    /** Splits a journal's bytes into complete lines; a last line without its line break is reported apart. */
    record Split(List<String> lines, String truncatedTail) {
        static Split of(byte[] bytes) {
            List<String> lines = new ArrayList<>();
            int from = 0;
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == '\n') {
                    lines.add(new String(bytes, from, i - from, StandardCharsets.UTF_8));
                    from = i + 1;
                }
            }
            String tail = from < bytes.length ? new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8) : null;
            return new Split(lines, tail);
        }
    }
}
