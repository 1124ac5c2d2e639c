package io.kvmha.failover.config;

import io.kvmha.failover.core.FailoverEngine;
import io.kvmha.failover.core.FailureDetector;
import io.kvmha.failover.core.HeartbeatFailureDetector;
import io.kvmha.failover.core.PhiAccrualFailureDetector;
import java.time.Clock;
import java.util.UUID;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the plain-Java core; a test replaces the clock or detector bean. */
@Configuration(proxyBeanMethods = false)
public class FailoverConfiguration {

    @Bean
    @ConditionalOnMissingBean
    Clock failoverClock() {
        return Clock.systemUTC();
    }

    @Bean
    @ConditionalOnMissingBean
    FailureDetector failureDetector(FailoverProperties properties) {
        return switch (properties.detector()) {
            case PHI_ACCRUAL -> new PhiAccrualFailureDetector(properties.phi().thresholds(), properties.thresholds());
            case FIXED -> new HeartbeatFailureDetector(properties.thresholds());
        };
    }

    @Bean
    FailoverEngine failoverEngine(Clock clock, FailureDetector detector, FailoverProperties properties) {
        return new FailoverEngine(clock, properties.thresholds(), detector, properties.recoveryPolicy(),
                properties.fencing().policy(), properties.massFailure().policy(), properties.crashRestart().policy(), properties.drain().policy(),
                () -> UUID.randomUUID().toString());
    }
}
