package io.kvmha.monitor.core;

import io.kvmha.contracts.event.RecoveryRecord;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The latest status of every incident this instance has seen, for the {@code kvmha_incidents} gauge.
 * Records are re-published whole on every change; an older record than the one held is ignored.
 * Thread-safe.
 */
public final class IncidentStatusCounts {

    private final Map<String, RecoveryRecord> latest = new HashMap<>();

    public synchronized void apply(RecoveryRecord record) {
        latest.merge(record.incidentId(), record,
                (held, incoming) -> incoming.updatedAt().isBefore(held.updatedAt()) ? held : incoming);
    }

    public synchronized void forget(Collection<String> incidentIds) {
        incidentIds.forEach(latest::remove);
    }

    public synchronized long count(RecoveryRecord.Status status) {
        return latest.values().stream().filter(r -> r.status() == status).count();
    }

    public synchronized Optional<RecoveryRecord.Status> statusOf(String incidentId) {
        return Optional.ofNullable(latest.get(incidentId)).map(RecoveryRecord::status);
    }
}
