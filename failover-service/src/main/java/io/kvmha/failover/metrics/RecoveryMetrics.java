package io.kvmha.failover.metrics;

import io.kvmha.contracts.event.HostState;
import io.kvmha.contracts.event.RecoveryRecord;
import io.kvmha.failover.core.FailoverEngine;
import io.kvmha.failover.core.RecoveryPhase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Recovery-time histograms per phase ({@code kvmha_recovery_<phase>_seconds}), incidents by outcome
 * ({@code kvmha_incidents_total}) and hosts per state as this service judges them ({@code kvmha_failover_hosts}).
 */
@Component
public class RecoveryMetrics {

    private static final Map<RecoveryPhase, String> DESCRIPTIONS = Map.of(
            RecoveryPhase.DETECT, "Time from a host's last heartbeat to the host being declared down",
            RecoveryPhase.FENCE, "Time from a host declared down to the host fenced",
            RecoveryPhase.PLACE, "Time from an evacuation request to its plan",
            RecoveryPhase.START, "Time from an evacuation plan to the last VM of the incident started",
            RecoveryPhase.TOTAL, "Time from a host's last heartbeat to the last VM of its incident started");

    private final Map<RecoveryPhase, Timer> timers = new EnumMap<>(RecoveryPhase.class);
    private final Map<RecoveryRecord.Status, Counter> incidents = new EnumMap<>(RecoveryRecord.Status.class);

    public RecoveryMetrics(MeterRegistry registry, FailoverEngine engine) {
        for (RecoveryPhase phase : RecoveryPhase.values()) {
            timers.put(phase, Timer.builder("kvmha.recovery." + phase.name().toLowerCase(Locale.ROOT))
                    .description(DESCRIPTIONS.get(phase))
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofMinutes(10))
                    .register(registry));
        }
        for (RecoveryRecord.Status outcome : RecoveryRecord.Status.values()) {
            if (outcome != RecoveryRecord.Status.OPEN) {
                incidents.put(outcome, Counter.builder("kvmha.incidents")
                        .description("Host-failure incidents closed, by outcome")
                        .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
                        .register(registry));
            }
        }
        for (HostState state : HostState.values()) {
            Gauge.builder("kvmha.failover.hosts", engine, e -> e.hostsByState().get(state))
                    .description("Hosts by health state; UNKNOWN = in inventory but not heard from since start-up")
                    .tag("state", state.name())
                    .register(registry);
        }
        Gauge.builder("kvmha.failover.hosts", engine, FailoverEngine::hostsNotYetHeard)
                .description("Hosts by health state; UNKNOWN = in inventory but not heard from since start-up")
                .tag("state", "UNKNOWN")
                .register(registry);
    }

    public void record(RecoveryPhase phase, Duration duration) {
        timers.get(phase).record(duration);
    }

    public void closed(RecoveryRecord.Status outcome) {
        Counter counter = incidents.get(outcome);
        if (counter != null) {
            counter.increment();
        }
    }
}
