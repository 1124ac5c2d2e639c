package io.kvmha.scheduler.core;

/**
 * How far the ledger may promise more than a host physically has (Nova's defaults: CPU 4.0, RAM 1.0).
 * Shared vCPUs overcommit well; memory does not, because an overcommitted guest swaps or is OOM-killed.
 *
 * @param cpu vCPUs that may be placed per host CPU
 * @param ram bytes of VM memory that may be placed per byte of host memory
 */
public record AllocationRatios(double cpu, double ram) {

    public static final AllocationRatios DEFAULT = new AllocationRatios(4.0, 1.0);

    public AllocationRatios {
        if (!(cpu > 0) || !(ram > 0)) {
            throw new IllegalArgumentException("allocation ratios must be positive, were cpu=" + cpu + " ram=" + ram);
        }
    }
}
