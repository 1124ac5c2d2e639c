package io.kvmha.agent.core;

import io.kvmha.contracts.event.CommandResult;
import io.kvmha.contracts.event.HostCommand;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A {@link CommandJournal} in a local file that survives agent restarts and power losses: one line per event
 * ({@link JournalLine}), each forced to disk ({@link FileChannel#force}) before the call returns. Loaded when opened;
 * keeps the last {@code capacity} commands, and rewrites the file with just those (one line each, atomically
 * replaced) once it holds more than twice as many lines. Unreadable lines (garbled, or the last one cut short by a
 * crash while it was written) are skipped and reported to {@code warnings} (one message per line for the first ten,
 * then a count); they never stop the agent. Opening fails only when the file cannot be read or written at all.
 */
public final class FileCommandJournal implements CommandJournal, Closeable {

    /** Line-level problems reported one by one; beyond that, one summary. */
    private static final int WARNED_LINES = 10;

    private final Path file;
    private final int capacity;
    private final InMemoryCommandJournal index;
    private FileChannel channel;
    private int lines;

    private FileCommandJournal(Path file, int capacity) {
        this.file = file;
        this.capacity = capacity;
        this.index = new InMemoryCommandJournal(capacity);
    }

    /**
     * Opens (or creates, with its directories) the journal in {@code file}, remembering at most {@code capacity}
     * commands.
     *
     * @param warnings receives a message per skipped line, naming the file and the line number
     */
    public static FileCommandJournal open(Path file, int capacity, Consumer<String> warnings) throws IOException {
        FileCommandJournal journal = new FileCommandJournal(file.toAbsolutePath(), capacity);
        journal.load(warnings);
        return journal;
    }

    public Path file() {
        return file;
    }

    /** How many commands are remembered. */
    public int size() {
        return index.size();
    }

    private void load(Consumer<String> warnings) throws IOException {
        Files.createDirectories(file.getParent());
        boolean rewrite = false;
        if (Files.exists(file)) {
            JournalLine.Split split = JournalLine.Split.of(Files.readAllBytes(file));
            int badLines = 0;
            for (int i = 0; i < split.lines().size(); i++) {
                try {
                    index.record(JournalLine.parse(split.lines().get(i)));
                } catch (IllegalArgumentException e) {
                    if (++badLines <= WARNED_LINES) {
                        warnings.accept("command journal " + file + " line " + (i + 1) + " skipped: " + e.getMessage());
                    }
                }
            }
            if (badLines > WARNED_LINES) {
                warnings.accept("command journal " + file + ": " + badLines + " unreadable lines skipped in all");
            }
            if (split.truncatedTail() != null) {
                warnings.accept("command journal " + file + " line " + (split.lines().size() + 1)
                        + " skipped: cut short (no line break; the agent stopped while writing it)");
            }
            lines = split.lines().size();
            // A cut-short line must not prefix the next one; bad lines need not be read again on every start.
            rewrite = badLines > 0 || split.truncatedTail() != null || lines > 2 * capacity;
        }
        if (rewrite || !Files.exists(file)) {
            compact();
        } else {
            channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        }
    }

    @Override
    public Optional<Entry> find(String commandId) {
        return index.find(commandId);
    }

    @Override
    public synchronized void started(HostCommand command, Instant at) {
        Entry entry = index.record(new Entry(command.commandId(), command.action(), command.vmId(), at, null));
        append(JournalLine.started(entry));
    }

    @Override
    public synchronized void finished(CommandResult result) {
        // The index first: if the disk fails now, this process still answers a redelivery with the result.
        Entry entry = index.record(new Entry(result.commandId(), result.action(), result.vmId(), null, result));
        append(JournalLine.finished(entry));
    }

    private void append(String line) {
        try {
            if (channel == null) {
                throw new IOException("command journal " + file + " is closed");
            }
            ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
            if (++lines > 2 * capacity) {
                compact();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the command journal " + file + ": " + e.getMessage(), e);
        }
    }

    /** Rewrites the file with one line per remembered command, replacing the old one atomically. */
    private void compact() throws IOException {
        List<Entry> entries = index.entries();
        Path next = file.resolveSibling(file.getFileName() + ".next");
        try (FileChannel out = FileChannel.open(next, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            StringBuilder text = new StringBuilder();
            for (Entry entry : entries) {
                text.append(JournalLine.of(entry)).append('\n');
            }
            ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
            out.force(true);
        }
        if (channel != null) {
            channel.close();
            channel = null;
        }
        try {
            Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            forceDirectory();
            lines = entries.size();
        } finally {
            // Whether or not the rewrite replaced it, appends go on to whatever file is in place.
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        }
    }

    /** The rename (or the new file) survives a power loss only once its directory is on disk too. */
    private void forceDirectory() {
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not every platform opens directories; the file's own data is forced regardless.
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }
}
