package io.kvmha.failover.core;

/** A log line for operators that the core asks an adapter to write; the core itself does not log. */
public record OperatorNote(Level level, String message) {

    public enum Level { DEBUG, INFO, WARN }

    public static OperatorNote debug(String message) {
        return new OperatorNote(Level.DEBUG, message);
    }

    public static OperatorNote info(String message) {
        return new OperatorNote(Level.INFO, message);
    }

    public static OperatorNote warn(String message) {
        return new OperatorNote(Level.WARN, message);
    }
}
