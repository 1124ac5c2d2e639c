package io.kvmha.contracts.codec;

/**
 * A record that cannot be turned into an event. It goes to the topic's dead-letter twin with
 * {@link #reason()} in a header; it is never retried, since reading it again cannot help.
 */
public final class UnreadableRecordException extends RuntimeException {

    /** Why a record could not be read; the code travels in the dead-letter header. */
    public enum Reason {
        NOT_A_CLOUDEVENT("not-a-cloudevent"),
        UNKNOWN_TYPE("unknown-type"),
        UNSUPPORTED_VERSION("unsupported-version"),
        WRONG_TOPIC("wrong-topic"),
        BAD_JSON("bad-json"),
        MISSING_FIELD("missing-field"),
        INVALID_FIELD("invalid-field");

        private final String code;

        Reason(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    private final Reason reason;

    public UnreadableRecordException(Reason reason, String message, Throwable cause) {
        super(reason.code() + ": " + message, cause);
        this.reason = reason;
    }

    public UnreadableRecordException(Reason reason, String message) {
        this(reason, message, null);
    }

    public Reason reason() {
        return reason;
    }
}
