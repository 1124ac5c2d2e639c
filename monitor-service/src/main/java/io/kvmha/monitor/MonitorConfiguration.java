package io.kvmha.monitor;

import io.kvmha.monitor.core.AlertRule;
import io.kvmha.monitor.core.AlertTracker;
import io.kvmha.monitor.core.EventRule;
import io.kvmha.monitor.core.HostDownRule;
import io.kvmha.monitor.core.HostStateCounts;
import io.kvmha.monitor.core.IncidentStatusCounts;
import io.kvmha.monitor.core.VmStateCounts;
import io.kvmha.monitor.core.rules.RuleEngine;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ResourceLoader;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Wires the plain-Java core. Every bean is per application context: several monitors may share a JVM. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MonitorProperties.class)
@EnableScheduling
class MonitorConfiguration {

    private static final Logger log = LoggerFactory.getLogger(MonitorConfiguration.class);

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
    RuleEngine ruleEngine(MonitorProperties properties, ResourceLoader resources) {
        RuleEngine engine = new RuleEngine(RuleFiles.load(properties.rules(), resources, properties.runbookBaseUrl()),
                properties.lookback(), properties.forgetAfter(), properties.evaluationThreads(),
                properties.ingestQueueLimit());
        properties.recoveryObjectives().forEach((tier, seconds) ->
                engine.constant("kvmha_recovery_objective_seconds", Map.of("tier", tier), seconds));
        log.info("rule engine loaded rules={} from {}", engine.rules().size(), properties.rules());
        return engine;
    }

    @Bean
    AlertTracker alertTracker(List<EventRule> eventRules, RuleEngine engine, Clock clock) {
        List<AlertRule> rules = new ArrayList<>(eventRules);
        rules.addAll(engine.rules());
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

    @Bean
    VmStateCounts vmStateCounts() {
        return new VmStateCounts();
    }
}
