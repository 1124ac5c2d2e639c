package io.kvmha.scheduler.core;

import io.kvmha.contracts.event.Tier;

/**
 * Shares of the cluster's placeable memory per SLA tier (defaults 40/30/30). A new VM is refused when its
 * tier would exceed its share of the memory of the hosts accepting VMs. During failover GOLD may borrow
 * beyond its share; SILVER and BRONZE may not.
 */
public record TierQuotas(double gold, double silver, double bronze) {

    public static final TierQuotas DEFAULT = new TierQuotas(0.4, 0.3, 0.3);

    /** No quotas at all (every share 100 %). */
    public static final TierQuotas NONE = new TierQuotas(1, 1, 1);

    public TierQuotas {
        for (double share : new double[] {gold, silver, bronze}) {
            if (!(share >= 0 && share <= 1)) {
                throw new IllegalArgumentException("tier shares must be within 0..1, were " + gold + "/" + silver + "/" + bronze);
            }
        }
    }

    public double share(Tier tier) {
        return switch (tier) {
            case GOLD -> gold;
            case SILVER -> silver;
            case BRONZE -> bronze;
        };
    }

    /**
     * Why adding {@code memoryMib} of a tier would exceed its quota, or null when it fits. Usage counts the
     * VMs charged on hosts accepting VMs; capacity is theirs too, so a failure shrinks every tier's room.
     */
    public String refusal(Tier tier, long memoryMib, ClusterLedger ledger) {
        if (share(tier) >= 1) {
            return null; // no quota: whether it fits is the engine's answer
        }
        long capacity = 0;
        long used = 0;
        for (HostLedger host : ledger.hostArray()) {
            if (host.acceptsVms()) {
                capacity += host.memoryCapacityBytes();
                used += host.tierMemoryBytes(tier);
            }
        }
        return refusal(tier, memoryMib, capacity, used);
    }

    /** As {@link #refusal(Tier, long, ClusterLedger)} with capacity and tier usage already summed. */
    public String refusal(Tier tier, long memoryMib, long capacity, long used) {
        if (share(tier) >= 1) {
            return null;
        }
        long allowed = (long) Math.floor(capacity * share(tier));
        long wanted = used + Units.mibToBytes(memoryMib);
        if (wanted <= allowed) {
            return null;
        }
        return "tier " + tier + " quota: " + Math.round(share(tier) * 100) + "% of " + Units.bytesToMib(capacity)
                + " MiB = " + Units.bytesToMib(allowed) + " MiB; " + Units.bytesToMib(used) + " MiB used, "
                + memoryMib + " MiB more asked";
    }
}
