package io.kvmha.contracts.event;

/** A required field of an event is absent or blank. */
public final class MissingFieldException extends IllegalArgumentException {
    private final String field;

    public MissingFieldException(String field) {
        super("missing required field '" + field + "'");
        this.field = field;
    }

    public String field() {
        return field;
    }
}
