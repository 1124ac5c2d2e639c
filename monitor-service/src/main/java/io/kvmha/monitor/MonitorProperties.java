package io.kvmha.monitor;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the monitor service ({@code kvmha.monitor.*}).
 *
 * @param runbookBaseUrl     where the operations guide lives; each alert's {@code runbook_url} is this
 *                           plus the lower-cased alert name as anchor. Default {@code docs/OPERATIONS.md}
 *                           (relative to the repository); set an absolute URL such as
 *                           {@code https://kvm-ha.dev/docs/OPERATIONS.md} in production
 * @param evaluationInterval how often the alert timers ({@code for}, {@code keep_firing_for}) are
 *                           checked. Default 1 s; at least 100 ms
 * @param publishTimeout     how long publishing one alert to Kafka may take before the event that
 *                           caused it is retried (and finally dead-lettered). Default 10 s
 */
@Validated
@ConfigurationProperties(prefix = "kvmha.monitor")
public record MonitorProperties(
        @DefaultValue("docs/OPERATIONS.md") @NotBlank String runbookBaseUrl,
        @DefaultValue("1s") @NotNull @DurationMin(millis = 100) Duration evaluationInterval,
        @DefaultValue("10s") @NotNull @DurationMin(millis = 1) Duration publishTimeout) {
}
