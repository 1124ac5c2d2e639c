package io.kvmha.scheduler;

import io.kvmha.scheduler.core.AllocationRatios;
import io.kvmha.scheduler.core.ClusterView;
import io.kvmha.scheduler.core.EvacuationPlanner;
import io.kvmha.scheduler.core.PlacementEngine;
import io.kvmha.scheduler.core.Placer;
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
    ClusterView clusterView() {
        return new ClusterView();
    }

    @Bean
    PlacementEngine placementEngine(SchedulerProperties properties) {
        return new PlacementEngine(new AllocationRatios(properties.cpuAllocationRatio(), properties.ramAllocationRatio()));
    }

    @Bean
    Placer placer(ClusterView view, PlacementEngine engine, Clock schedulerClock) {
        return new Placer(view, engine, new EvacuationPlanner(engine), schedulerClock);
    }

    @Bean
    ViewConsumerGroup viewConsumerGroup(SchedulerProperties properties,
                                        @Value("${spring.kafka.consumer.group-id:scheduler-service}") String groupId) {
        return new ViewConsumerGroup(properties.viewGroupId().isBlank()
                ? groupId + "-view-" + UUID.randomUUID()
                : properties.viewGroupId());
    }
}
