package io.kvmha.monitor;

import io.kvmha.monitor.core.AlertTracker;
import io.kvmha.monitor.core.EventRule;
import io.kvmha.monitor.core.HostDownRule;
import io.kvmha.monitor.core.HostStateCounts;
import io.kvmha.monitor.core.IncidentStatusCounts;
import java.time.Clock;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Wires the plain-Java core. Every bean is per application context: several monitors may share a JVM. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MonitorProperties.class)
@EnableScheduling
class MonitorConfiguration {

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    HostDownRule hostDownRule(MonitorProperties properties) {
        return new HostDownRule(properties.runbookBaseUrl());
    }

    @Bean
    AlertTracker alertTracker(List<EventRule> rules, Clock clock) {
        return new AlertTracker(rules, clock);
    }

    @Bean
    HostStateCounts hostStateCounts() {
        return new HostStateCounts();
    }

    @Bean
    IncidentStatusCounts incidentStatusCounts() {
        return new IncidentStatusCounts();
    }
}
