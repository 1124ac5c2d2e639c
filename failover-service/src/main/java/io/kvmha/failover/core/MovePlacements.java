package io.kvmha.failover.core;

import io.kvmha.contracts.event.Placement;
import java.util.Optional;

/**
 * Recognises the scheduler's move placements by their reason: a drain ("drain of h2 (live migration)") or
 * the migration of one VM ("migration from h2 (live)"). Other placements (creation, evacuation) are not moves.
 * The reason text is the only marker the contract carries today.
 */
final class MovePlacements {

    static final String DRAIN_PREFIX = "drain of ";
    static final String MIGRATION_PREFIX = "migration from ";

    private MovePlacements() {
    }

    static Optional<DrainRequest.Kind> kind(Placement placement) {
        String reason = placement.reason();
        if (reason == null || placement.incidentId() != null) {
            return Optional.empty();
        }
        if (reason.startsWith(DRAIN_PREFIX)) {
            return Optional.of(DrainRequest.Kind.DRAIN);
        }
        if (reason.startsWith(MIGRATION_PREFIX)) {
            return Optional.of(DrainRequest.Kind.MIGRATION);
        }
        return Optional.empty();
    }
}
