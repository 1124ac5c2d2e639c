package io.kvmha.scheduler.api;

import io.kvmha.contracts.event.Tier;
import io.kvmha.scheduler.core.ClusterView;
import io.kvmha.scheduler.core.HostLedger;
import io.kvmha.scheduler.core.Placer;
import io.kvmha.scheduler.core.TierQuotas;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.ArrayList;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Cluster capacity, tier usage against quotas, and the failover headroom. */
@RestController
@RequestMapping("/api/v1/capacity")
@Tag(name = "Capacity", description = "Cluster capacity, tier quotas and failover headroom")
public class CapacityController {

    private final ClusterView view;
    private final Placer placer;
    private final TierQuotas quotas;

    public CapacityController(ClusterView view, Placer placer, TierQuotas quotas) {
        this.view = view;
        this.placer = placer;
        this.quotas = quotas;
    }

    /**
     * @param memoryCapacityBytes placeable memory of hosts accepting VMs (ONLINE, not draining)
     * @param headroomBytes       smallest, over ONLINE hosts, memory left elsewhere after its HA VMs restarted
     * @param reserveHolds        whether every host's HA VMs can be restarted (exact NUMA fit, N+K)
     */
    public record CapacityResponse(int hosts, int acceptingHosts, long memoryCapacityBytes, long memoryUsedBytes,
                                   int vcpuCapacity, int vcpusUsed, List<TierUsage> tiers, long headroomBytes,
                                   boolean reserveHolds, String reserveViolation, int hostFailuresTolerated) {
    }

    public record TierUsage(Tier tier, double quotaShare, long quotaBytes, long usedBytes) {
    }

    @GetMapping
    @Operation(summary = "Cluster capacity, per-tier usage against quotas, failover headroom")
    public CapacityResponse capacity() {
        Placer.Headroom headroom = placer.headroom();
        return view.read(ledger -> {
            int accepting = 0;
            long capacity = 0;
            long used = 0;
            int vcpuCapacity = 0;
            int vcpusUsed = 0;
            long[] tierUsed = new long[Tier.values().length];
            for (HostLedger host : ledger.hostArray()) {
                if (host.acceptsVms()) {
                    accepting++;
                    capacity += host.memoryCapacityBytes();
                    used += host.memoryUsedBytes();
                    vcpuCapacity += host.vcpuCapacity();
                    vcpusUsed += host.vcpusUsed();
                    for (Tier tier : Tier.values()) {
                        tierUsed[tier.ordinal()] += host.tierMemoryBytes(tier);
                    }
                }
            }
            List<TierUsage> tiers = new ArrayList<>();
            for (Tier tier : Tier.values()) {
                tiers.add(new TierUsage(tier, quotas.share(tier), (long) Math.floor(capacity * quotas.share(tier)),
                        tierUsed[tier.ordinal()]));
            }
            return new CapacityResponse(ledger.hostArray().length, accepting, capacity, used, vcpuCapacity, vcpusUsed,
                    tiers, headroom.headroomBytes(), headroom.reserveHolds(), headroom.violation(),
                    headroom.hostFailures());
        });
    }
}
