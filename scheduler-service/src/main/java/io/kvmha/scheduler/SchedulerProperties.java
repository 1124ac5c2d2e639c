package io.kvmha.scheduler;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the scheduler ({@code kvmha.scheduler.*}).
 *
 * @param cpuAllocationRatio     vCPUs placeable per host CPU (default 4.0, Nova's default)
 * @param ramAllocationRatio     VM memory placeable per byte of host memory (default 1.0: no overcommit)
 * @param commandTimeout         deadline of a DEFINE_AND_START command after it is issued (default 60 s);
 *                               an agent refuses it later
 * @param publishTimeout         how long {@code POST /api/v1/vms} waits for Kafka to acknowledge the spec,
 *                               placement and command before it answers 503 and releases the claim (default 10 s)
 * @param evacuationMaxAge       evacuation requests older than this are ignored (default 5 min): after a long
 *                               outage of the scheduler, an old request must not move VMs off a host that
 *                               has long since come back
 * @param viewGroupId            consumer group of the listeners that rebuild the view; empty (default) means
 *                               {@code <spring.kafka.consumer.group-id>-view-<random>}, so every instance reads
 *                               every partition of the compacted topics
 */
@Validated
@ConfigurationProperties(prefix = "kvmha.scheduler")
public record SchedulerProperties(
        @DecimalMin(value = "0", inclusive = false) Double cpuAllocationRatio,
        @DecimalMin(value = "0", inclusive = false) Double ramAllocationRatio,
        @NotNull Duration commandTimeout,
        @NotNull Duration publishTimeout,
        @NotNull Duration evacuationMaxAge,
        String viewGroupId) {

    public SchedulerProperties {
        cpuAllocationRatio = cpuAllocationRatio == null ? 4.0 : cpuAllocationRatio;
        ramAllocationRatio = ramAllocationRatio == null ? 1.0 : ramAllocationRatio;
        commandTimeout = commandTimeout == null ? Duration.ofSeconds(60) : commandTimeout;
        publishTimeout = publishTimeout == null ? Duration.ofSeconds(10) : publishTimeout;
        evacuationMaxAge = evacuationMaxAge == null ? Duration.ofMinutes(5) : evacuationMaxAge;
        viewGroupId = viewGroupId == null ? "" : viewGroupId;
    }
}
