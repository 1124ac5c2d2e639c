package io.kvmha.contracts.event;

import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An alert in the Alertmanager sense, keyed by its fingerprint (stable over the alert's life).
 * A resolved alert carries its full annotations and an {@code endsAt}.
 */
public record Alert(
        String fingerprint,
        String name,
        Status status,
        Severity severity,
        Map<String, String> labels,
        Map<String, String> annotations,
        Instant startsAt,
        @Nullable Instant endsAt) implements KvmHaEvent {

    public Alert {
        Required.field(fingerprint, "fingerprint");
        Required.field(name, "name");
        Required.field(status, "status");
        Required.field(severity, "severity");
        Required.field(startsAt, "startsAt");
        labels = Required.map(labels);
        annotations = Required.map(annotations);
    }

    @Override
    public String key() {
        return fingerprint;
    }

    public enum Status { FIRING, RESOLVED }

    public enum Severity { CRITICAL, WARNING, INFO }
}
