package io.kvmha.contracts.codec;

import io.kvmha.contracts.event.KvmHaEvent;
import io.kvmha.contracts.event.MissingFieldException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON for event payloads. Unknown fields are ignored so that a v1 reader accepts additive changes
 * from a newer v1 writer; a missing required field is refused by the record's own constructor.
 */
public final class EventJson {

    private final JsonMapper mapper = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();

    public byte[] write(KvmHaEvent event) {
        return mapper.writeValueAsBytes(event);
    }

    public <T extends KvmHaEvent> T read(byte[] json, Class<T> type) {
        try {
            return mapper.readValue(json, type);
        } catch (JacksonException e) {
            throw classify(e, type);
        }
    }

    private static UnreadableRecordException classify(JacksonException e, Class<?> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MissingFieldException missing) {
                return new UnreadableRecordException(UnreadableRecordException.Reason.MISSING_FIELD,
                        type.getSimpleName() + ": " + missing.getMessage(), e);
            }
            if (t instanceof IllegalArgumentException invalid && t != e) {
                return new UnreadableRecordException(UnreadableRecordException.Reason.INVALID_FIELD,
                        type.getSimpleName() + ": " + invalid.getMessage(), e);
            }
        }
        if (e instanceof MismatchedInputException mismatch && e.getOriginalMessage().startsWith("Cannot map `null`")) {
            // A primitive field that is absent reads as null first: that is a missing field, not bad JSON.
            return new UnreadableRecordException(UnreadableRecordException.Reason.MISSING_FIELD,
                    type.getSimpleName() + ": missing required field '" + fieldPath(mismatch) + "'", e);
        }
        return new UnreadableRecordException(UnreadableRecordException.Reason.BAD_JSON,
                type.getSimpleName() + ": " + e.getOriginalMessage(), e);
    }

    private static String fieldPath(MismatchedInputException e) {
        StringBuilder path = new StringBuilder();
        for (var ref : e.getPath()) {
            if (ref.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                path.append("[").append(ref.getIndex()).append("]");
            }
        }
        return path.isEmpty() ? "?" : path.toString();
    }
}
