package io.kvmha.scheduler;

import io.kvmha.scheduler.core.AllocationRatios;
import io.kvmha.scheduler.core.ClusterView;
import io.kvmha.scheduler.core.EvacuationPlanner;
import io.kvmha.scheduler.core.FailoverAdmission;
import io.kvmha.scheduler.core.PlacementEngine;
import io.kvmha.scheduler.core.PlacementPolicy;
import io.kvmha.scheduler.core.Placer;
import io.kvmha.scheduler.core.TierQuotas;
import io.kvmha.scheduler.kafka.ViewConsumerGroup;
import java.time.Clock;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the plain-Java core; one set per application context, so several instances can share a JVM. */
@Configuration(proxyBeanMethods = false)
public class SchedulerConfiguration {

    @Bean
    Clock schedulerClock() {
        return Clock.systemUTC();
    }

    @Bean
    AllocationRatios allocationRatios(SchedulerProperties properties) {
        return new AllocationRatios(properties.cpuAllocationRatio(), properties.ramAllocationRatio());
    }

    @Bean
    ClusterView clusterView(AllocationRatios ratios) {
        return new ClusterView(ratios);
    }

    @Bean
    PlacementEngine placementEngine(SchedulerProperties properties, AllocationRatios ratios) {
        return new PlacementEngine(new PlacementPolicy(ratios, properties.placementMode(), properties.balanceWeight(),
                properties.tierSpreadWeight()));
    }

    @Bean
    TierQuotas tierQuotas(SchedulerProperties properties) {
        SchedulerProperties.TierShares shares = properties.tierQuotas();
        return new TierQuotas(shares.gold(), shares.silver(), shares.bronze());
    }

    @Bean
    FailoverAdmission failoverAdmission(SchedulerProperties properties, PlacementEngine engine) {
        return new FailoverAdmission(properties.failoverHostFailures(), properties.failoverCountedTiers(), engine);
    }

    @Bean
    Placer placer(ClusterView view, PlacementEngine engine, TierQuotas quotas, FailoverAdmission admission,
                  Clock schedulerClock) {
        return new Placer(view, engine, new EvacuationPlanner(engine, quotas), quotas, admission, schedulerClock);
    }

    @Bean
    ViewConsumerGroup viewConsumerGroup(SchedulerProperties properties,
                                        @Value("${spring.kafka.consumer.group-id:scheduler-service}") String groupId) {
        return new ViewConsumerGroup(properties.viewGroupId().isBlank()
                ? groupId + "-view-" + UUID.randomUUID()
                : properties.viewGroupId());
    }
}
