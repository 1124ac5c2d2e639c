package io.kvmha.failover.fencing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A credential read from a file (first line, trimmed). {@link #toString()} never shows it, so it cannot
 * leak through a log line, an exception message or a record's toString.
 */
public final class Secret {

    private final String value;
    private final Path source;

    private Secret(String value, Path source) {
        this.value = value;
        this.source = source;
    }

    public static Secret fromFile(Path file) {
        try {
            String content = Files.readString(file, StandardCharsets.UTF_8);
            int newline = content.indexOf('\n');
            return new Secret((newline < 0 ? content : content.substring(0, newline)).trim(), file);
        } catch (IOException e) {
            // The path is not secret; the content is never in the message.
            throw new UncheckedIOException("cannot read credential file " + file, e);
        }
    }

    /** The secret itself: pass it on, never log it. */
    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "Secret[" + source + "]";
    }
}
