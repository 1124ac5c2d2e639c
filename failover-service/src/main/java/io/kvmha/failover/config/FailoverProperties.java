package io.kvmha.failover.config;

import io.kvmha.failover.core.DetectionThresholds;
import io.kvmha.failover.core.RecoveryPolicy;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the failover service ({@code kvmha.failover.*}).
 *
 * @param suspectAfter        heartbeat silence after which a host is SUSPECT (default 1 s); must be below downAfter
 * @param downAfter           heartbeat silence after which a host is DOWN and its VMs are recovered (default 2 s);
 *                            heartbeats sent longer ago than this are ignored as stale
 * @param tickInterval        how often the failure detector is evaluated (default 100 ms)
 * @param maxConcurrentStarts start commands in flight per incident (default 8)
 * @param commandDeadline     validity of an issued start command (default 60 s)
 */
@Validated
@ConfigurationProperties(prefix = "kvmha.failover")
public record FailoverProperties(
        @DefaultValue("1s") @DurationMin(millis = 1) Duration suspectAfter,
        @DefaultValue("2s") @DurationMin(millis = 2) Duration downAfter,
        @DefaultValue("100ms") @DurationMin(millis = 1) Duration tickInterval,
        @DefaultValue("8") @Min(1) int maxConcurrentStarts,
        @DefaultValue("60s") @DurationMin(seconds = 1) Duration commandDeadline) {

    public FailoverProperties {
        if (suspectAfter != null && downAfter != null && downAfter.compareTo(suspectAfter) <= 0) {
            throw new IllegalArgumentException("kvmha.failover.down-after (" + downAfter
                    + ") must exceed kvmha.failover.suspect-after (" + suspectAfter + ")");
        }
    }

    public DetectionThresholds thresholds() {
        return new DetectionThresholds(suspectAfter, downAfter);
    }

    public RecoveryPolicy recoveryPolicy() {
        return new RecoveryPolicy(maxConcurrentStarts, commandDeadline, RecoveryPolicy.SERVICE);
    }
}
