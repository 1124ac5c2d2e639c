package io.kvmha.scheduler.core;

/**
 * How the engine ranks hosts that fit.
 *
 * @param ratios             allocation ratios (shared CPU 4.0, RAM 1.0 by default)
 * @param mode               SPREAD (default: most free memory after placement wins) or PACK (least)
 * @param balanceWeight      fragmentation: weight of the gap between a host's free-memory and free-vCPU
 *                           fractions after placement (a host with memory left but no vCPUs strands it);
 *                           default 0.5
 * @param goldSpreadWeight   tier awareness: weight of the share of a host already used by VMs of the same
 *                           tier, for GOLD and SILVER VMs, so one host failure hits few of them; default 0.5
 */
public record PlacementPolicy(AllocationRatios ratios, Mode mode, double balanceWeight, double goldSpreadWeight) {

    public static final PlacementPolicy DEFAULT = new PlacementPolicy(AllocationRatios.DEFAULT, Mode.SPREAD, 0.5, 0.5);

    public enum Mode { SPREAD, PACK }

    public PlacementPolicy {
        if (ratios == null || mode == null) {
            throw new IllegalArgumentException("ratios and mode are required");
        }
    }
}
