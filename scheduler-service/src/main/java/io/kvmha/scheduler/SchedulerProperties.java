package io.kvmha.scheduler;

import io.kvmha.contracts.event.Tier;
import io.kvmha.scheduler.core.PlacementPolicy;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the scheduler ({@code kvmha.scheduler.*}).
 *
 * @param cpuAllocationRatio     shared vCPUs placeable per host CPU not pinned (default 4.0, Nova's default);
 *                               dedicated CPUs are never overcommitted
 * @param ramAllocationRatio     VM memory placeable per byte of small-page host memory (default 1.0: no
 *                               overcommit); hugepage memory is never overcommitted
 * @param commandTimeout         deadline of a DEFINE_AND_START command after it is issued (default 60 s);
 *                               an agent refuses it later
 * @param publishTimeout         how long a decision waits for Kafka to acknowledge its events before the API
 *                               answers 503 and releases the claim (default 10 s)
 * @param evacuationMaxAge       evacuation requests older than this are ignored (default 5 min): after a long
 *                               outage of the scheduler, an old request must not move VMs off a host that
 *                               has long since come back
 * @param viewGroupId            consumer group of the listeners that rebuild the view; empty (default) means
 *                               {@code <spring.kafka.consumer.group-id>-view-<random>}, so every instance reads
 *                               every partition of the compacted topics
 * @param placementMode          SPREAD (default: most free memory after placement) or PACK (least)
 * @param balanceWeight          fragmentation weigher: penalty per unit of gap between a host's free memory and
 *                               free vCPU fractions after placement (default 0.5)
 * @param tierSpreadWeight       tier weigher: penalty per unit of host memory already used by GOLD/SILVER VMs of
 *                               the same tier, so one failure hits few of them (default 0.5)
 * @param tierQuotas             share of the placeable memory of accepting hosts per tier (default 0.4/0.3/0.3);
 *                               GOLD may exceed its share during failover
 * @param failoverHostFailures   K of N+K admission control: host failures whose HA VMs must always be
 *                               restartable (default 1; 0 disables the check)
 * @param failoverCountedTiers   tiers whose HA VMs the reserve protects (default GOLD, SILVER, BRONZE)
 * @param singlePlacer           decide only while owning partition 0 of {@code kvmha.placement.requests}
 *                               (default true); false lets every instance decide (one instance only!)
 * @param activePlacerWait       how long a mutating API call waits for this instance to be the caught-up
 *                               active placer before answering 503 {@code not-active-placer} (default 15 s)
 * @param evacuationGatherWindow how long after the first request of a burst (its record timestamp) the request
 *                               listener waits for the rest before planning them together (default 100 ms: a rack
 *                               that loses power is fenced within ~0.3 s, so it comes in a few batches, and a single
 *                               failure waits no more than this; 0 = answer each poll at once)
 */
@Validated
@ConfigurationProperties(prefix = "kvmha.scheduler")
public record SchedulerProperties(
        @DecimalMin(value = "0", inclusive = false) Double cpuAllocationRatio,
        @DecimalMin(value = "0", inclusive = false) Double ramAllocationRatio,
        @NotNull Duration commandTimeout,
        @NotNull Duration publishTimeout,
        @NotNull Duration evacuationMaxAge,
        String viewGroupId,
        PlacementPolicy.Mode placementMode,
        @DecimalMin("0") Double balanceWeight,
        @DecimalMin("0") Double tierSpreadWeight,
        @Valid TierShares tierQuotas,
        @Min(0) Integer failoverHostFailures,
        Set<Tier> failoverCountedTiers,
        Boolean singlePlacer,
        Duration activePlacerWait,
        Duration evacuationGatherWindow) {

    public SchedulerProperties {
        cpuAllocationRatio = cpuAllocationRatio == null ? 4.0 : cpuAllocationRatio;
        ramAllocationRatio = ramAllocationRatio == null ? 1.0 : ramAllocationRatio;
        commandTimeout = commandTimeout == null ? Duration.ofSeconds(60) : commandTimeout;
        publishTimeout = publishTimeout == null ? Duration.ofSeconds(10) : publishTimeout;
        evacuationMaxAge = evacuationMaxAge == null ? Duration.ofMinutes(5) : evacuationMaxAge;
        viewGroupId = viewGroupId == null ? "" : viewGroupId;
        placementMode = placementMode == null ? PlacementPolicy.Mode.SPREAD : placementMode;
        balanceWeight = balanceWeight == null ? 0.5 : balanceWeight;
        tierSpreadWeight = tierSpreadWeight == null ? 0.5 : tierSpreadWeight;
        tierQuotas = tierQuotas == null ? new TierShares(null, null, null) : tierQuotas;
        failoverHostFailures = failoverHostFailures == null ? 1 : failoverHostFailures;
        failoverCountedTiers = failoverCountedTiers == null ? EnumSet.allOf(Tier.class) : failoverCountedTiers;
        singlePlacer = singlePlacer == null ? Boolean.TRUE : singlePlacer;
        activePlacerWait = activePlacerWait == null ? Duration.ofSeconds(15) : activePlacerWait;
        evacuationGatherWindow = evacuationGatherWindow == null ? Duration.ofMillis(100) : evacuationGatherWindow;
        if (evacuationGatherWindow.isNegative()) {
            throw new IllegalArgumentException("evacuation-gather-window must not be negative, was "
                    + evacuationGatherWindow);
        }
    }

    /** Shares of cluster memory per tier, 0..1 each. */
    public record TierShares(
            @DecimalMin("0") @DecimalMax("1") Double gold,
            @DecimalMin("0") @DecimalMax("1") Double silver,
            @DecimalMin("0") @DecimalMax("1") Double bronze) {
        public TierShares {
            gold = gold == null ? 0.4 : gold;
            silver = silver == null ? 0.3 : silver;
            bronze = bronze == null ? 0.3 : bronze;
        }
    }
}
