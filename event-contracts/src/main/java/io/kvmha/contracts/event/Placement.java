package io.kvmha.contracts.event;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The scheduler's claim that a VM belongs on a host, with the NUMA cells it uses. Compacted by VM id:
 * the latest placement of every VM is the ledger. {@code generation} grows with every re-placement,
 * so a command made for an older placement can be recognised as stale.
 *
 * <p>{@code numaClaims} is the complete, exact claim the agent applies as is (nothing downstream re-fits):
 * one entry per guest NUMA cell, in guest cell order. {@code numaCells} lists the same host cells (kept
 * for readers of the first version). Placements written before NUMA claims existed have none.
 *
 * @param incidentId set when the placement was made to recover from a failure
 * @param numaClaims per guest cell: host cell, vCPUs and their host CPUs, memory and hugepages
 */
public record Placement(
        String vmId,
        String hostId,
        long generation,
        List<Integer> numaCells,
        @Nullable String reason,
        @Nullable String incidentId,
        Instant placedAt,
        List<NumaClaim> numaClaims) implements KvmHaEvent {

    public Placement {
        Required.field(vmId, "vmId");
        Required.field(hostId, "hostId");
        Required.field(placedAt, "placedAt");
        numaCells = Required.list(numaCells);
        numaClaims = Required.list(numaClaims);
    }

    /** The walking-skeleton placement, without NUMA claims. */
    public Placement(String vmId, String hostId, long generation, List<Integer> numaCells, @Nullable String reason,
                     @Nullable String incidentId, Instant placedAt) {
        this(vmId, hostId, generation, numaCells, reason, incidentId, placedAt, List.of());
    }

    @Override
    public String key() {
        return vmId;
    }

    /**
     * One guest NUMA cell on one host cell. Domain XML: {@code <cpu><numa><cell id=guestCell cpus=vcpus
     * memory=memoryMib unit='MiB'/>}, {@code <numatune><memnode cellid=guestCell mode='strict'
     * nodeset=hostCell/>}, one {@code <vcpupin>} per pin (dedicated) or per vCPU with {@code cpuset}
     * (shared), and {@code <hugepages><page size=hugepageSizeKib unit='KiB' nodeset=guestCell/>} when
     * hugepages are used.
     *
     * @param guestCell       guest cell id, 0..n-1
     * @param hostCell        host NUMA cell id (from the host's inventory)
     * @param vcpus           guest vCPU ids in this cell (ascending)
     * @param memoryMib       guest memory of this cell
     * @param cpuset          host CPUs these vCPUs may run on: for shared CPUs the cell's CPUs not pinned at
     *                        claim time; for dedicated CPUs exactly the pinned CPUs
     * @param pins            dedicated CPUs only: vCPU i runs on host CPU {@code pcpu}, exclusively; empty for shared
     * @param isolatedCpus    dedicated with thread policy ISOLATE: sibling threads kept idle for this VM
     * @param hugepageSizeKib page size when memory is hugepage-backed, else null
     * @param hugepages       pages of that size taken from this host cell (memoryMib / page size), else null
     */
    public record NumaClaim(int guestCell, int hostCell, List<Integer> vcpus, long memoryMib, List<Integer> cpuset,
                            List<Pin> pins, List<Integer> isolatedCpus, @Nullable Long hugepageSizeKib,
                            @Nullable Long hugepages) {
        public NumaClaim {
            vcpus = Required.list(vcpus);
            cpuset = Required.list(cpuset);
            pins = Required.list(pins);
            isolatedCpus = Required.list(isolatedCpus);
        }
    }

    /** Guest vCPU {@code vcpu} pinned to host CPU {@code pcpu}. */
    public record Pin(int vcpu, int pcpu) {
    }
}
