package io.kvmha.monitor;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the monitor service ({@code kvmha.monitor.*}).
 *
 * @param runbookBaseUrl       where the operations guide lives; each alert's {@code runbook_url} is this
 *                             plus the lower-cased alert name as anchor. Default {@code docs/OPERATIONS.md}
 *                             (relative to the repository); set an absolute URL such as
 *                             {@code https://kvm-ha.dev/docs/OPERATIONS.md} in production
 * @param evaluationInterval   how often the rules are evaluated and the alert timers ({@code for},
 *                             {@code keep_firing_for}) checked. Default 500 ms; at least 100 ms
 * @param publishTimeout       how long publishing one alert to Kafka may take before the event that
 *                             caused it is retried (and finally dead-lettered). Default 10 s
 * @param rules                rule files (Spring resource locations) evaluated by the rule engine.
 *                             Default {@code classpath:monitor-rules.yml}, the shipped set
 * @param lookback             how long a sampled series counts as present after its last sample (then
 *                             it stops being returned: no freezing at the last value). Default 1 min
 * @param forgetAfter          how long a silent sampled series is kept, reported by {@code stale()}.
 *                             Default 1 h
 * @param recoveryObjectives   each tier's recovery objective in seconds (host detected down to the VM
 *                             started), the threshold of {@code KvmFailoverSlow}. Default gold 10,
 *                             silver 30, bronze 120
 * @param cluster              the {@code cluster} label added to every alert sent to Alertmanager
 *                             (Prometheus' external label). Default {@code kvm-ha}
 * @param alertmanagers        Alertmanager base URLs ({@code http://127.0.0.1:9093}); every alert goes to
 *                             all of them through {@code POST /api/v2/alerts}. Default none
 * @param resendInterval       how often firing (and recently resolved) alerts are re-sent to
 *                             Alertmanager. Default 30 s
 * @param alertmanagerAttempts attempts per delivery to one Alertmanager (Resilience4j retry,
 *                             exponential backoff from 200 ms). Default 4
 * @param evaluationThreads    threads that evaluate the rules in parallel. Default 2 (1: the timer
 *                             thread alone)
 * @param ingestQueueLimit     how many events may wait while an evaluation holds the rule engine (the
 *                             Kafka listeners queue them instead of waiting, see README "State and
 *                             concurrency"); beyond it the listeners wait. Default 20,000 (10 s of a
 *                             1,000-host cluster's heartbeats); 0 = always wait
 * @param streamConsumers      consumers (threads) of each of {@code kvmha.host.heartbeats} and
 *                             {@code kvmha.metrics}, at most their 6 partitions; a host's records stay on
 *                             one partition, so in order. Default 2
 * @param streamFetch          how those consumers fetch and commit (see {@link StreamFetch}); null: the defaults
 */
@Validated
@ConfigurationProperties(prefix = "kvmha.monitor")
public record MonitorProperties(
        @DefaultValue("docs/OPERATIONS.md") @NotBlank String runbookBaseUrl,
        @DefaultValue("500ms") @NotNull @DurationMin(millis = 100) Duration evaluationInterval,
        @DefaultValue("10s") @NotNull @DurationMin(millis = 1) Duration publishTimeout,
        @DefaultValue("classpath:monitor-rules.yml") @NotNull List<String> rules,
        @DefaultValue("1m") @NotNull @DurationMin(seconds = 1) Duration lookback,
        @DefaultValue("1h") @NotNull @DurationMin(seconds = 1) Duration forgetAfter,
        Map<String, Double> recoveryObjectives,
        @DefaultValue("kvm-ha") @NotBlank String cluster,
        @DefaultValue({}) @NotNull List<URI> alertmanagers,
        @DefaultValue("30s") @NotNull @DurationMin(seconds = 1) Duration resendInterval,
        @DefaultValue("4") int alertmanagerAttempts,
        @DefaultValue("2") int evaluationThreads,
        @DefaultValue("20000") @jakarta.validation.constraints.PositiveOrZero int ingestQueueLimit,
        @DefaultValue("2") @jakarta.validation.constraints.Min(1) @jakarta.validation.constraints.Max(6) int streamConsumers,
        @DefaultValue @NotNull @Valid StreamFetch streamFetch) {

    /**
     * Consumer settings of the two high-rate streams ({@code kvmha.host.heartbeats}, {@code kvmha.metrics}); the
     * other topics keep Kafka's defaults, so a host health change still reaches the alert path at once. The
     * container commits the offsets after each poll's records are processed, and the consumer lag counts from the
     * committed offsets: these keep a poll short and the commits regular, without a fetch, a poll and a
     * synchronous commit every few records (which cost the monitor and the broker more CPU than the records).
     *
     * @param maxWait        how long the broker may hold a fetch to gather {@code minBytes}
     *                       ({@code fetch.max.wait.ms}); bounds the delay a fetch adds. Default 100 ms (10 ms-1 s)
     * @param minBytes       how many bytes a fetch waits for ({@code fetch.min.bytes}). Default 1 MB: more than a
     *                       consumer's 100 ms share of a 1,000-host cluster's heartbeats or metrics, so at that
     *                       size {@code maxWait} decides, about ten fetches, polls and commits per second and consumer
     * @param maxPollRecords records per poll at most ({@code max.poll.records}); a consumer that catches up (after
     *                       a pause, a rebalance) still commits every few tens of milliseconds. Default 200
     */
    public record StreamFetch(
            @DefaultValue("100ms") @NotNull @DurationMin(millis = 10) @DurationMax(seconds = 1) Duration maxWait,
            @DefaultValue("1MB") @NotNull DataSize minBytes,
            @DefaultValue("200") @Min(1) int maxPollRecords) {

        /** The defaults, for a properties object built by hand (Spring binds the annotated ones). */
        public static final StreamFetch DEFAULTS = new StreamFetch(Duration.ofMillis(100), DataSize.ofMegabytes(1), 200);

        public StreamFetch {
            if (minBytes != null && (minBytes.toBytes() < 1 || minBytes.toBytes() > Integer.MAX_VALUE)) {
                throw new IllegalArgumentException("kvmha.monitor.stream-fetch.min-bytes must be 1 B to 2 GB: " + minBytes);
            }
        }
    }


    public MonitorProperties {
        if (recoveryObjectives == null || recoveryObjectives.isEmpty()) {
            recoveryObjectives = Map.of("gold", 10.0, "silver", 30.0, "bronze", 120.0);
        }
        if (streamFetch == null) {
            streamFetch = StreamFetch.DEFAULTS;
        }
        if (evaluationThreads < 1) {
            throw new IllegalArgumentException("kvmha.monitor.evaluation-threads must be at least 1");
        }
        if (alertmanagerAttempts < 1) {
            throw new IllegalArgumentException("kvmha.monitor.alertmanager-attempts must be at least 1");
        }
    }
}
