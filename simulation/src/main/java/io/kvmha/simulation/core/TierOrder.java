package io.kvmha.simulation.core;

import io.kvmha.contracts.event.Tier;
import java.time.Instant;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;

/**
 * Checks the recovery order of a batch of restarted VMs: every VM of a better tier must have started
 * before any VM of a worse tier started. A violation is one VM that started after the first start of a
 * worse tier (so one late GOLD VM behind two SILVER starts counts once).
 */
public final class TierOrder {

    /** One restarted VM: its tier and when it was running on its new host. */
    public record Start(String vmId, Tier tier, Instant startedAt) {
    }

    private TierOrder() {
    }

    public static int violations(Collection<Start> starts) {
        Map<Tier, Instant> firstStart = new EnumMap<>(Tier.class);
        for (Start start : starts) {
            firstStart.merge(start.tier(), start.startedAt(), (a, b) -> a.isBefore(b) ? a : b);
        }
        int violations = 0;
        for (Start start : starts) {
            for (Map.Entry<Tier, Instant> worse : firstStart.entrySet()) {
                if (worse.getKey().ordinal() > start.tier().ordinal() && start.startedAt().isAfter(worse.getValue())) {
                    violations++;
                    break;
                }
            }
        }
        return violations;
    }
}
